package com.ims.gateway.netty;

import java.nio.charset.StandardCharsets;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.ims.gateway.session.OutboundFrame;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ready-made frame every recipient's channel writes, read back by Netty's own client-side decoder (unmasked frames)
 * at each of RFC 6455's three length forms and their edges, multi-byte text included; and shared without being used up.
 */
class NettySocketWireFrameTest {

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 125, 126, 127, 65_535, 65_536, 200_000})
    void aFrameOfAnyLengthReadsBackAsOneFinalTextFrameAndStaysWhole(int length) {
        String text = "é".repeat(length / 2) + "x".repeat(length % 2);
        OutboundFrame frame = OutboundFrame.control(text);
        ByteBuf wire = frame.wire(NettySocket::wireFrame);
        for (int recipient = 0; recipient < 2; recipient++) {
            EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(WebSocketDecoderConfig.newBuilder()
                    .expectMaskedFrames(false).maxFramePayloadLength(1 << 20).build()));
            client.writeInbound(wire.duplicate());
            TextWebSocketFrame read = client.readInbound();
            assertThat(read.isFinalFragment()).isTrue();
            assertThat(read.text()).isEqualTo(text);
            read.release();
            assertThat(client.finish()).isFalse();
        }
        assertThat(frame.wire(NettySocket::wireFrame)).as("built once per frame").isSameAs(wire);
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        assertThat(wire.readableBytes()).as("each recipient wrote a view, the frame itself is whole")
                .isEqualTo(bytes + (bytes < 126 ? 2 : bytes <= 65_535 ? 4 : 10));
    }
}
