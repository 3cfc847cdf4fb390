package com.ims.gateway.session;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import org.springframework.web.socket.TextMessage;

/**
 * One server frame ready to write. A delivery is turned into one instance and the SAME instance is enqueued on every
 * recipient connection, so the frame is encoded and converted once however many sockets receive it.
 */
public final class OutboundFrame {

    private final TextMessage message;
    private final ByteBuffer utf8;
    private final String messageId;
    private final boolean persistent;
    /** The frame as one WebSocket server writes it (Netty: header and payload in one buffer), made by its first writer. */
    private volatile Object wire;

    /**
     * @param message    the WebSocket message, shared by all recipients
     * @param utf8       the same text encoded once, read-only, written to each recipient as one frame
     * @param messageId  id of a delivery (for dedupe after replay and for receipts); null for control frames
     * @param persistent whether a DELIVERED receipt is reported once the frame is written
     */
    public OutboundFrame(TextMessage message, ByteBuffer utf8, String messageId, boolean persistent) {
        this.message = message;
        this.utf8 = utf8;
        this.messageId = messageId;
        this.persistent = persistent;
    }

    public TextMessage message() {
        return message;
    }

    /** The UTF-8 text, read-only and shared: read a duplicate. */
    public ByteBuffer utf8() {
        return utf8;
    }

    public String messageId() {
        return messageId;
    }

    public boolean persistent() {
        return persistent;
    }

    /** UTF-8 size, counted against the per-connection byte limit. */
    public long bytes() {
        return utf8.remaining();
    }

    /**
     * This frame in a server's wire form, built by {@code build} on first use and then shared by every recipient. Two
     * writers racing on the first use may both build it; either result is the same frame.
     */
    @SuppressWarnings("unchecked")
    public <T> T wire(Function<OutboundFrame, T> build) {
        Object built = wire;
        if (built == null) {
            built = build.apply(this);
            wire = built;
        }
        return (T) built;
    }

    public static OutboundFrame control(String encoded) {
        return of(encoded, null, false);
    }

    public static OutboundFrame of(String encoded, String messageId, boolean persistent) {
        ByteBuffer utf8 = ByteBuffer.wrap(encoded.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
        return new OutboundFrame(new TextMessage(encoded), utf8, messageId, persistent);
    }
}
