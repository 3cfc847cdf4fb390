package com.ims.loadgen.metrics;

import java.util.concurrent.atomic.LongAdder;

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
}
