package com.ims.protocol.internal;

import com.fasterxml.jackson.annotation.JsonIgnore;

/**
 * Paged replay of one connection's backlog, pulled by the gateway: the gateway offers a page size with the connection's
 * CONNECTED event, notification-service sends one page and, while more is left, a {@code REPLAY_MORE} record carrying
 * where it stopped; the gateway asks for the next page ({@code REPLAY_NEXT} event, this record echoed) only once it wrote
 * the previous one to the socket. So a backlog never arrives faster than the client reads it, and never passes the
 * connection's outbound queue limit (which would close it with 4010 and start the same replay again on reconnect).
 *
 * @param maxFrames deliveries one page may hold (at least 1)
 * @param maxBytes  UTF-8 bytes of frames one page may hold; a single larger frame still makes a page of its own
 * @param afterSeq  the page starts after this sequence; -1 for the first page
 * @param replayed  deliveries replayed to this connection in earlier pages, counted against notification-service's
 *                  replay limit
 */
public record ReplayPage(int maxFrames, long maxBytes, long afterSeq, int replayed) {

    public ReplayPage {
        if (maxFrames < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("a replay page holds at least one frame of one byte");
        }
    }

    /** What a gateway offers on connect: pages of this size, from the start. */
    public static ReplayPage first(int maxFrames, long maxBytes) {
        return new ReplayPage(maxFrames, maxBytes, -1, 0);
    }

    /** Where the page after this one starts: after {@code lastSeq}, {@code sent} more deliveries replayed. */
    public ReplayPage next(long lastSeq, int sent) {
        return new ReplayPage(maxFrames, maxBytes, lastSeq, replayed + sent);
    }

    @JsonIgnore
    public boolean isFirst() {
        return afterSeq < 0;
    }
}
