package com.ims.gateway.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;

import com.ims.gateway.session.Connection;
import com.ims.gateway.session.SocketEvents;

/**
 * The last handler of an upgraded channel: whole client messages (joined by Netty's aggregator up to
 * IMS_MAX_FRAME_BYTES) go to {@link SocketEvents}; WebSocket pings are answered, pongs ignored; the channel's
 * writability resumes the connection's drain. One small object per connection, and no timer: the heartbeat sweeper
 * looks after liveness for every connection. The connection is unregistered by the channel's close future (FrontHandler).
 */
final class WsFrameHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(WsFrameHandler.class);

    private final SocketEvents events;
    private final Connection connection;
    private final NettySocket socket;
    private final int maxFrameBytes;
    /** The close code received or sent, for the log line of the close; 1006 when the socket just went away. */
    private int closeCode = WebSocketCloseStatus.ABNORMAL_CLOSURE.code();

    WsFrameHandler(SocketEvents events, Connection connection, NettySocket socket, int maxFrameBytes) {
        this.events = events;
        this.connection = connection;
        this.socket = socket;
        this.maxFrameBytes = maxFrameBytes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            switch (msg) {
                case TextWebSocketFrame text -> events.text(connection, text.text());
                case BinaryWebSocketFrame binary -> events.binary(connection);
                case PingWebSocketFrame ping -> {
                    // Not while the channel is full (a client that pings without reading would grow it without bound),
                    // and nothing after a close frame.
                    if (ctx.channel().isWritable() && !socket.closing()) {
                        ctx.writeAndFlush(new PongWebSocketFrame(ping.content().retain()));
                    }
                }
                case PongWebSocketFrame pong -> {
                    // RFC 6455 allows unsolicited pongs (a one-way heartbeat): no error, and no rate budget spent.
                }
                case CloseWebSocketFrame close -> {
                    closeCode = close.statusCode();
                    connection.markClosed();
                    // Echo the close (RFC 6455 5.5.1) unless ours went out already; the server then ends the TCP
                    // connection, within the send timeout also for a client that stopped reading.
                    socket.close(new CloseStatus(close.statusCode() < 0 ? 1000 : close.statusCode(), null));
                    if (socket.closing()) {
                        ctx.channel().config().setAutoRead(false);
                    }
                }
                default -> {
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            connection.resumeWrites();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** The close code received or sent; 1006 when the socket just went away. */
    int closeCode() {
        return closeCode;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException
                || cause instanceof CorruptedWebSocketFrameException corrupted
                        && corrupted.closeStatus() != null
                        && corrupted.closeStatus().code() == WebSocketCloseStatus.MESSAGE_TOO_BIG.code()) {
            // One frame too large (the decoder already sent 1009) or fragments adding up to too much (the aggregator).
            closeCode = WebSocketCloseStatus.MESSAGE_TOO_BIG.code();
            if (cause instanceof CorruptedWebSocketFrameException) {
                socket.closeSentByDecoder();
            }
            events.tooBig(connection, maxFrameBytes);
            return;
        }
        if (cause instanceof CorruptedWebSocketFrameException corrupted && corrupted.closeStatus() != null) {
            // A protocol violation: the decoder sent the close frame with its code and closes the channel.
            closeCode = corrupted.closeStatus().code();
            log.debug("protocol violation clientId={} code={} error={}", connection.clientId(), closeCode, cause.toString());
            connection.markClosed();
            socket.closeSentByDecoder();
            return;
        }
        log.debug("socket error clientId={} error={}", connection.clientId(), cause.toString());
        connection.markClosed();
        ctx.close();
    }
}
