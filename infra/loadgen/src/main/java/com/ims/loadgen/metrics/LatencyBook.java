package com.ims.loadgen.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * Arrival latencies (microseconds, from the frame's server-side {@code timestamp} to arrival here): one histogram over
 * the run and, for stepped scenarios, one per time window, chosen by the frame's timestamp rather than by arrival time
 * so a slow message counts against the rate that produced it.
 *
 * <p>The server stamps epoch milliseconds, so each sample carries up to 1 ms of truncation: latencies read up to 1 ms
 * high. Both ends use the same clock (one machine), so there is no skew.
 */
public final class LatencyBook {

    private final Histogram total = new ConcurrentHistogram(3);
    private final List<Window> windows = new CopyOnWriteArrayList<>();

    public void record(long frameTimestampMs, long arrivalMicros) {
        long latency = Math.max(0, arrivalMicros - frameTimestampMs * 1000);
        total.recordValue(latency);
        for (Window w : windows) {
            if (frameTimestampMs >= w.fromMs && frameTimestampMs < w.toMs) {
                w.histogram.recordValue(latency);
            }
        }
    }

    /** Starts attributing frames stamped in [fromMs, toMs) to a new window; returns it to read later. */
    public Window openWindow(String name, long fromMs, long toMs) {
        Window w = new Window(name, fromMs, toMs, new ConcurrentHistogram(3));
        windows.add(w);
        return w;
    }

    public LatencySummary summary() {
        return LatencySummary.of(total.copy());
    }

    public void reset() {
        total.reset();
        windows.clear();
    }

    public record Window(String name, long fromMs, long toMs, Histogram histogram) {
        public LatencySummary summary() {
            return LatencySummary.of(histogram.copy());
        }
    }
}
