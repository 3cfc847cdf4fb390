package com.ims.gateway.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.springframework.web.socket.TextMessage;

/**
 * One server frame ready to write. A delivery is turned into one instance and the SAME instance is enqueued on every
 * recipient connection, so the frame is encoded and converted once however many sockets receive it.
 *
 * @param message    the WebSocket message, shared by all recipients
 * @param utf8       the same text encoded once, read-only, written to each recipient as one frame (EncodedTextSender)
 * @param messageId  id of a delivery (for dedupe after replay and for receipts); null for control frames
 * @param persistent whether a DELIVERED receipt is reported once the frame is written
 */
public record OutboundFrame(TextMessage message, ByteBuffer utf8, String messageId, boolean persistent) {

    /** UTF-8 size, counted against the per-connection byte limit. */
    public long bytes() {
        return utf8.remaining();
    }

    public static OutboundFrame control(String encoded) {
        return of(encoded, null, false);
    }

    public static OutboundFrame of(String encoded, String messageId, boolean persistent) {
        ByteBuffer utf8 = ByteBuffer.wrap(encoded.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        return new OutboundFrame(new TextMessage(encoded), utf8, messageId, persistent);
    }
}
