package com.ims.gateway.netty;

import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.util.concurrent.Future;
import org.springframework.web.socket.CloseStatus;

import com.ims.gateway.session.ClientSocket;
import com.ims.gateway.session.OutboundFrame;

/**
 * A connection's socket on the Netty server. Its drains and closes run on the channel's event loop (shared by thousands
 * of channels), writes never block: they go to the channel's buffer, and the drain stops while that is above its high
 * water mark ({@link #writable()}) until the channel reports it writable again.
 */
final class NettySocket implements ClientSocket {

    /** The name Netty's handshaker gives the WebSocket frame encoder it adds. */
    static final String ENCODER = "wsencoder";
    /** RFC 6455: FIN and the text opcode. */
    private static final byte FIN_TEXT = (byte) 0x81;

    private final Channel channel;
    /**
     * Where frames enter the pipeline: at the WebSocket encoder, so that the ready-made frames skip it (it would only
     * pass them on) and go straight to the socket (or TLS). Pongs and close frames still go through it.
     */
    private final ChannelHandlerContext out;
    /**
     * The send timeout: how long a stopped drain waits for the channel to take more, and a close for its close frame
     * to leave (a client that stopped reading takes neither).
     */
    private final long closeWaitMillis;
    /** Set while a drain is stopped on the full channel; touched on the event loop only. */
    private Future<?> stallDeadline;
    /** Whether a close frame went out (by any path); touched on the event loop only. */
    private boolean closeSent;

    NettySocket(Channel channel, long closeWaitMillis) {
        this.channel = channel;
        ChannelHandlerContext encoder = channel.pipeline().context(ENCODER);
        this.out = encoder != null ? encoder : channel.pipeline().lastContext();
        this.closeWaitMillis = closeWaitMillis;
    }

    Channel channel() {
        return channel;
    }

    @Override
    public void write(OutboundFrame frame) {
        // The same bytes for every recipient: server frames are not masked. Unreleasable, so no write frees them.
        out.write(frame.wire(NettySocket::wireFrame).duplicate(), out.voidPromise());
    }

    @Override
    public void flush() {
        out.flush();
    }

    @Override
    public boolean writable() {
        return channel.isWritable();
    }

    @Override
    public void stalled(Runnable giveUp) {
        if (stallDeadline == null && !closeSent) {
            stallDeadline = channel.eventLoop().schedule(() -> {
                stallDeadline = null;
                if (!closeSent) {
                    giveUp.run();
                }
            }, closeWaitMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void resumed() {
        Future<?> deadline = stallDeadline;
        if (deadline != null) {
            stallDeadline = null;
            deadline.cancel(false);
        }
    }

    @Override
    public void close(CloseStatus status) {
        if (closeSent || !channel.isActive()) {
            return;
        }
        closeSent = true;
        Future<?> deadline = closeDeadline();
        channel.writeAndFlush(new CloseWebSocketFrame(status.getCode(), status.getReason())).addListener(written -> {
            deadline.cancel(false);
            channel.close();
        });
    }

    /**
     * The WebSocket decoder sent a close frame of its own (a protocol violation, a frame too large): no other close
     * frame follows it, and the channel is closed when it has left, or after the send timeout at the latest.
     */
    void closeSentByDecoder() {
        if (!closeSent) {
            closeSent = true;
            closeDeadline();
        }
    }

    /** Whether a close frame went out: nothing may follow it (RFC 6455 5.5.1), not even a pong. */
    boolean closing() {
        return closeSent;
    }

    /** A client that stopped reading never takes the close frame: the socket is closed anyway after the send timeout. */
    private Future<?> closeDeadline() {
        return channel.eventLoop().schedule(() -> {
            channel.close();
        }, closeWaitMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public Executor writer() {
        return channel.eventLoop();
    }

    @Override
    public Executor closer() {
        return channel.eventLoop();
    }

    /**
     * One unmasked final text frame, header and payload in one heap buffer that the collector frees with the frame.
     * The transport copies it into a pooled direct buffer per write, which it frees once written: a few hundred bytes
     * of copying per recipient, and no direct memory that waits for a collection to be given back.
     */
    static ByteBuf wireFrame(OutboundFrame frame) {
        ByteBuffer payload = frame.utf8().duplicate();
        int n = payload.remaining();
        int header = n < 126 ? 2 : n <= 0xFFFF ? 4 : 10;
        ByteBuffer bytes = ByteBuffer.allocate(header + n);
        bytes.put(FIN_TEXT);
        if (n < 126) {
            bytes.put((byte) n);
        } else if (n <= 0xFFFF) {
            bytes.put((byte) 126).putShort((short) n);
        } else {
            bytes.put((byte) 127).putLong(n);
        }
        bytes.put(payload).flip();
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes));
    }
}
