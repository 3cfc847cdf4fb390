package com.ims.loadgen.metrics;

import org.HdrHistogram.Histogram;

/** Percentiles of one latency histogram, in milliseconds (histograms hold microseconds). */
public record LatencySummary(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs, double meanMs) {

    public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

    public static LatencySummary of(Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return EMPTY;
        }
        return new LatencySummary(micros.getTotalCount(),
                ms(micros.getValueAtPercentile(50)), ms(micros.getValueAtPercentile(90)),
                ms(micros.getValueAtPercentile(99)), ms(micros.getValueAtPercentile(99.9)),
                ms(micros.getMaxValue()), Math.round(micros.getMean() / 100.0) / 10.0);
    }

    private static double ms(long micros) {
        return Math.round(micros / 100.0) / 10.0;
    }

    /** One line for a table: {@code p50 12.0 | p99 45.0 | p999 60.1 | max 80.2 ms (n=1000)}. */
    public String oneLine() {
        if (count == 0) {
            return "no samples";
        }
        return String.format(java.util.Locale.ROOT, "p50 %.1f | p90 %.1f | p99 %.1f | p999 %.1f | max %.1f ms (n=%d)",
                p50Ms, p90Ms, p99Ms, p999Ms, maxMs, count);
    }
}
