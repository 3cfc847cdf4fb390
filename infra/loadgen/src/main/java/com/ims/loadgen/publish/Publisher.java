package com.ims.loadgen.publish;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends producer requests ({@code POST /api/v1/notifications}) asynchronously with a bound on requests in flight, and
 * reads the accepted id from the 202 answer. The same body works for IMS and for the peers' publishers.
 */
public final class Publisher implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpPool http;
    public final LongAdder attempted = new LongAdder();
    public final LongAdder accepted = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder failed = new LongAdder();
    public final LongAdder shed = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile String lastError = "";

    /**
     * @param token       bearer token with scope {@code ims:publish}, or null for the peers
     * @param connections keep-alive connections (and worker threads) to the producer API
     * @param maxInFlight requests queued or in flight before new ones are shed
     */
    public Publisher(URI url, String token, int connections, int maxInFlight) {
        this.http = new HttpPool(url, token == null || token.isBlank() ? null : "Bearer " + token, connections, maxInFlight);
    }

    /**
     * Sends one request; completes with the accepted id, or empty when refused or failed. When {@code maxInFlight}
     * requests are already waiting the request is shed (counted) instead of queueing without bound.
     */
    public CompletableFuture<Optional<String>> send(String body) {
        attempted.increment();
        CompletableFuture<HttpPool.Response> response = http.post(body);
        if (response == null) {
            shed.increment();
            return CompletableFuture.completedFuture(Optional.empty());
        }
        inFlight.incrementAndGet();
        return response.handle((r, error) -> {
            inFlight.decrementAndGet();
            if (error != null) {
                failed.increment();
                lastError = error.getClass().getSimpleName() + ": " + error.getMessage();
                return Optional.<String>empty();
            }
            if (r.status() / 100 != 2) {
                rejected.increment();
                lastError = "HTTP " + r.status() + " " + truncate(r.body());
                return Optional.<String>empty();
            }
            Matcher m = ID.matcher(r.body());
            if (!m.find()) {
                rejected.increment();
                lastError = "answer without id: " + truncate(r.body());
                return Optional.<String>empty();
            }
            accepted.increment();
            return Optional.of(m.group(1));
        });
    }

    /** Waits until no request is queued or in flight (or the deadline passes). */
    public void drain(Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    public String lastError() {
        return lastError;
    }

    private static String truncate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public void close() {
        http.close();
    }
}
