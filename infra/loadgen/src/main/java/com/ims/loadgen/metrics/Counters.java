package com.ims.loadgen.metrics;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/** Event counts of one fleet of connections; LongAdders because many I/O threads bump them at once. */
public final class Counters {
    public final LongAdder connectAttempts = new LongAdder();
    public final LongAdder connectFailures = new LongAdder();
    public final LongAdder closes = new LongAdder();
    public final LongAdder deliveries = new LongAdder();
    public final LongAdder duplicates = new LongAdder();
    public final LongAdder pingsAnswered = new LongAdder();
    public final LongAdder acksSent = new LongAdder();
    public final LongAdder ackFrames = new LongAdder();
    public final LongAdder errorFrames = new LongAdder();
    public final LongAdder malformedFrames = new LongAdder();
    public final LongAdder otherFrames = new LongAdder();
    /** Attempts that ended before the connection was ready, by close code (-1: no WebSocket: refused, reset, timeout). */
    private final Map<Integer, LongAdder> failuresByCode = new ConcurrentHashMap<>();

    public void connectFailed(int code) {
        connectFailures.increment();
        failuresByCode.computeIfAbsent(code, k -> new LongAdder()).increment();
    }

    /** "code: count" pairs in code order, e.g. {@code -1: 12, 1013: 3}; empty when none failed. */
    public String failuresByCode() {
        Map<Integer, Long> sorted = new TreeMap<>();
        failuresByCode.forEach((code, n) -> sorted.put(code, n.sum()));
        return sorted.entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
