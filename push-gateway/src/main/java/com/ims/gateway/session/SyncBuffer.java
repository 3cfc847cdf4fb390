package com.ims.gateway.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The replay state of a new connection: live deliveries held until the replay is done, and the message ids the replay
 * already sent, so that held deliveries are flushed in order, after the missed ones, each once.
 * Not thread-safe: {@link Connection} guards it.
 *
 * @implNote Every new connection has one for its first seconds, and most never hold or replay anything, so the two
 *     collections are made on first use.
 */
final class SyncBuffer {

    private List<OutboundFrame> held;
    private Set<String> replayedIds;
    private Set<String> heldIds;
    private final int maxHeld;
    private final long timeout;
    /** When the sync ends without REPLAY_DONE; moved on each time the connection asks for another replay page. */
    long deadline;

    SyncBuffer(int maxHeld, long now, long timeout) {
        this.maxHeld = maxHeld;
        this.timeout = timeout;
        this.deadline = now + timeout;
    }

    /** The wait for the replay starts again from {@code now} (a page was asked for). */
    void restartWait(long now) {
        deadline = now + timeout;
    }

    /**
     * Holds a live frame until the sync ends; false when the hold is full (the connection is then treated as too slow).
     * A frame whose id the replay already sent, or the hold already has, is a repeat and is dropped, not held: the
     * sweeper resends deliveries unacked for {@code redelivery-after}, and during a long paged replay those are the
     * pages a slow client is still reading, which would otherwise fill the hold.
     */
    boolean hold(OutboundFrame frame) {
        String id = frame.messageId();
        if (id != null && ((replayedIds != null && replayedIds.contains(id)) || (heldIds != null && heldIds.contains(id)))) {
            return true;
        }
        if (held == null) {
            held = new ArrayList<>();
        }
        if (held.size() >= maxHeld) {
            return false;
        }
        held.add(frame);
        if (id != null) {
            if (heldIds == null) {
                heldIds = new HashSet<>();
            }
            heldIds.add(id);
        }
        return true;
    }

    /** Remembers a replayed frame's id; false if the replay sent this id already (a repeated page). */
    boolean replayed(OutboundFrame frame) {
        if (frame.messageId() == null) {
            return true;
        }
        if (replayedIds == null) {
            replayedIds = new HashSet<>();
        }
        return replayedIds.add(frame.messageId());
    }

    /** Held frames in arrival order, without those the replay already sent. */
    List<OutboundFrame> release() {
        if (held == null) {
            replayedIds = null;
            return List.of();
        }
        List<OutboundFrame> out = new ArrayList<>(held.size());
        for (OutboundFrame frame : held) {
            if (frame.messageId() == null || replayedIds == null || !replayedIds.contains(frame.messageId())) {
                out.add(frame);
            }
        }
        held = null;
        heldIds = null;
        replayedIds = null;
        return out;
    }

    int heldCount() {
        return held == null ? 0 : held.size();
    }
}
