package com.ims.gateway.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket pings on an upgraded channel: answered with their payload, but not while the channel is above its high
 * water mark (a client that pings without reading would otherwise grow the channel's buffer without bound), and not
 * after a close frame went out (nothing may follow it).
 */
class WsFrameHandlerPingTest {

    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final NettySocket socket = new NettySocket(channel, 1_000);

    WsFrameHandlerPingTest() {
        channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        // Ping frames touch neither the connection nor the shared socket events.
        channel.pipeline().addLast(new WsFrameHandler(null, null, socket, 65_536));
    }

    @Test
    void aPingIsAnsweredWithItsPayload() {
        assertPingAnswered(7);
    }

    @Test
    void aPingWhileTheChannelIsFullGetsNoPongAndOneAfterItDrainedDoes() {
        channel.write(Unpooled.wrappedBuffer(new byte[32])); // unflushed: above the high water mark
        assertThat(channel.isWritable()).isFalse();
        channel.writeInbound(ping(1));

        channel.flush(); // the client took it: writable again
        assertThat(channel.isWritable()).isTrue();
        ByteBuf queued = channel.readOutbound();
        assertThat(queued.readableBytes()).isEqualTo(32);
        queued.release();
        assertThat((Object) channel.readOutbound()).as("no pong for the ping that came while full").isNull();

        assertPingAnswered(2);
    }

    @Test
    void aPingAfterOurCloseFrameGetsNoPong() {
        socket.closeSentByDecoder();
        channel.writeInbound(ping(3));
        assertThat((Object) channel.readOutbound()).isNull();
    }

    private void assertPingAnswered(int payload) {
        channel.writeInbound(ping(payload));
        PongWebSocketFrame pong = channel.readOutbound();
        assertThat(pong.content().readByte()).isEqualTo((byte) payload);
        pong.release();
    }

    private static PingWebSocketFrame ping(int payload) {
        return new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {(byte) payload}));
    }
}
