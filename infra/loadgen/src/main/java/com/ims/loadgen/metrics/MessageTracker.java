package com.ims.loadgen.metrics;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which connection received which message id, to count loss and duplicates exactly.
 *
 * <p>A message is known from two sides in either order: the publisher learns its id from the 202 answer and says how
 * many recipients to expect; connections report arrivals (which can come first: the server may deliver before the HTTP
 * answer is read). A unicast message keeps one int; only a fan-out message grows a bit set over connection indexes.
 */
public final class MessageTracker {

    private final Map<String, Track> tracks = new ConcurrentHashMap<>();

    /** The publisher's side: {@code expected} connections should receive {@code id}. */
    public void expect(String id, int expected) {
        tracks.computeIfAbsent(id, k -> new Track()).expect(expected);
    }

    /** A connection's side; true the first time this connection sees this id, false for a redelivery. */
    public boolean received(String id, int connectionIndex) {
        return tracks.computeIfAbsent(id, k -> new Track()).receive(connectionIndex);
    }

    public Tally tally() {
        long messages = 0;
        long expected = 0;
        long delivered = 0;
        long lost = 0;
        long unexpected = 0;
        List<String> lostSample = new ArrayList<>();
        for (Map.Entry<String, Track> e : tracks.entrySet()) {
            Track t = e.getValue();
            synchronized (t) {
                if (t.expected < 0) {
                    unexpected += t.count; // arrived but never published by this run (e.g. a replay of an older run)
                    continue;
                }
                messages++;
                expected += t.expected;
                delivered += Math.min(t.count, t.expected);
                int missing = Math.max(0, t.expected - t.count);
                lost += missing;
                if (missing > 0 && lostSample.size() < 10) {
                    lostSample.add(e.getKey());
                }
            }
        }
        return new Tally(messages, expected, delivered, lost, unexpected, List.copyOf(lostSample));
    }

    /** True when every published message reached every expected recipient. */
    public boolean complete() {
        for (Track t : tracks.values()) {
            synchronized (t) {
                if (t.expected >= 0 && t.count < t.expected) {
                    return false;
                }
            }
        }
        return true;
    }

    public void clear() {
        tracks.clear();
    }

    /**
     * @param messages   published messages with a known recipient count
     * @param expected   recipient deliveries those messages should produce
     * @param delivered  distinct (message, connection) arrivals among them
     * @param lost       expected minus delivered
     * @param unexpected arrivals of ids this run did not publish
     */
    public record Tally(long messages, long expected, long delivered, long lost, long unexpected, List<String> lostSample) {
    }

    private static final class Track {
        private int expected = -1;
        private int count;
        private int single = -1;
        private BitSet many;

        synchronized void expect(int n) {
            expected = n;
        }

        synchronized boolean receive(int index) {
            if (single == -1) {
                single = index;
                count = 1;
                return true;
            }
            if (single == index) {
                return false;
            }
            if (many == null) {
                many = new BitSet();
                many.set(single);
            }
            if (many.get(index)) {
                return false;
            }
            many.set(index);
            count++;
            return true;
        }
    }
}
