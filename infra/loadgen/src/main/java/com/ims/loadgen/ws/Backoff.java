package com.ims.loadgen.ws;

import java.util.concurrent.ThreadLocalRandom;

/**
 * The SDK's reconnect delays (client-js/src/backoff.ts), so a storm from the load generator arrives like one from real
 * clients: exponential with full jitter, {@code random(0, min(max, min * 2^attempt))}, never below a 100 ms floor
 * (or {@code minDelay} if smaller); a server-requested reconnect (1012, 4010, 4003) waits only {@code floor +
 * random(0, promptJitter)}.
 */
public record Backoff(long minDelayMs, long maxDelayMs, long promptJitterMs) {

    static final long FLOOR_MS = 100;

    public Backoff {
        if (minDelayMs < 0 || maxDelayMs < minDelayMs || promptJitterMs < 0) {
            throw new IllegalArgumentException("reconnect delays must satisfy 0 <= min <= max and jitter >= 0");
        }
    }

    public long delayMs(int attempt) {
        double ceiling = Math.min(maxDelayMs, minDelayMs * Math.pow(2, Math.min(attempt, 62)));
        return Math.max(floor(), (long) Math.floor(ThreadLocalRandom.current().nextDouble() * ceiling));
    }

    public long promptDelayMs() {
        long spread = Math.min(promptJitterMs, maxDelayMs);
        return floor() + (long) Math.floor(ThreadLocalRandom.current().nextDouble() * spread);
    }

    /** The SDK's choice between the two (client-js/src/close-policy.ts); 4001 and 4009 would stop the SDK. */
    public long delayAfterClose(int closeCode, int attempt) {
        return switch (closeCode) {
            case 1012, 4010, 4003 -> promptDelayMs();
            default -> delayMs(attempt);
        };
    }

    private long floor() {
        return Math.min(FLOOR_MS, minDelayMs);
    }
}
