package com.ims.loadgen.publish;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

/**
 * Calls an action at a fixed rate for a while on the calling thread, on a schedule computed from the start (so a late
 * send is followed by quicker ones rather than drifting), and reports the rate it really achieved.
 */
public final class RateLoop {

    private RateLoop() {
    }

    /** Runs {@code send(seq)} {@code rate} times per second for {@code duration}; returns the number of calls. */
    public static long run(double rate, Duration duration, LongConsumer send, Runnable tick) {
        return run(rate, duration, send, tick, () -> false);
    }

    /** As {@link #run(double, Duration, LongConsumer, Runnable)}, ending early once {@code stop} says so. */
    public static long run(double rate, Duration duration, LongConsumer send, Runnable tick, BooleanSupplier stop) {
        if (rate <= 0) {
            throw new IllegalArgumentException("rate must be positive");
        }
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        double intervalNanos = 1e9 / rate;
        long seq = 0;
        long nextTick = start + 1_000_000_000L;
        while (true) {
            long due = start + (long) (seq * intervalNanos);
            if (due >= end || stop.getAsBoolean()) {
                break;
            }
            long now = System.nanoTime();
            if (now < due) {
                LockSupport.parkNanos(Math.min(due - now, 50_000_000L));
                continue;
            }
            send.accept(seq++);
            if (tick != null && now >= nextTick) {
                tick.run();
                nextTick += 1_000_000_000L;
            }
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        return seq;
    }
}
