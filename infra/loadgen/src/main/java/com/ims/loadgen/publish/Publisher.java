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
 * Sends producer requests asynchronously with a bound on requests in flight and learns each accepted id: over HTTP
 * ({@code POST /api/v1/notifications}, the id read from the 202 answer; the same body works for IMS and the peers'
 * publishers) or, for IMS, as records on {@code ims.notifications} (the contract's other producer path; the id is set
 * here and the send is accepted when the broker acknowledged it).
 */
public final class Publisher implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    /** How requests travel; a null future means "shed": the in-flight bound was reached. */
    interface Transport extends AutoCloseable {
        CompletableFuture<String> send(String body);

        @Override
        void close();
    }

    /** The server answered but refused. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private final Transport transport;
    public final LongAdder attempted = new LongAdder();
    public final LongAdder accepted = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder failed = new LongAdder();
    public final LongAdder shed = new LongAdder();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile String lastError = "";

    private Publisher(Transport transport) {
        this.transport = transport;
    }

    /**
     * @param token       bearer token with scope {@code ims:publish}, or null for the peers
     * @param connections keep-alive connections (and worker threads) to the producer API
     * @param maxInFlight requests queued or in flight before new ones are shed
     */
    public Publisher(URI url, String token, int connections, int maxInFlight) {
        this(http(new HttpPool(url, token == null || token.isBlank() ? null : "Bearer " + token, connections, maxInFlight)));
    }

    /**
     * Records on {@code ims.notifications}, keyed by tenant as the contract asks, each with an id of its own.
     *
     * @param tenant   the tenant every record names (the token's tenant on the HTTP path)
     * @param lingerMs the producer's {@code linger.ms}
     */
    public static Publisher kafka(String bootstrap, String tenant, int maxInFlight, int lingerMs) {
        return new Publisher(new KafkaTransport(bootstrap, tenant, maxInFlight, lingerMs));
    }

    private static Transport http(HttpPool pool) {
        return new Transport() {
            @Override
            public CompletableFuture<String> send(String body) {
                CompletableFuture<HttpPool.Response> response = pool.post(body);
                return response == null ? null : response.thenApply(r -> {
                    if (r.status() / 100 != 2) {
                        throw new Refused("HTTP " + r.status() + " " + truncate(r.body()));
                    }
                    Matcher m = ID.matcher(r.body());
                    if (!m.find()) {
                        throw new Refused("answer without id: " + truncate(r.body()));
                    }
                    return m.group(1);
                });
            }

            @Override
            public void close() {
                pool.close();
            }
        };
    }

    /**
     * Sends one request; completes with the accepted id, or empty when refused or failed. When {@code maxInFlight}
     * requests are already waiting the request is shed (counted) instead of queueing without bound.
     */
    public CompletableFuture<Optional<String>> send(String body) {
        attempted.increment();
        CompletableFuture<String> id = transport.send(body);
        if (id == null) {
            shed.increment();
            return CompletableFuture.completedFuture(Optional.empty());
        }
        inFlight.incrementAndGet();
        return id.handle((accepted, error) -> {
            inFlight.decrementAndGet();
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                (cause instanceof Refused ? rejected : failed).increment();
                lastError = cause instanceof Refused ? cause.getMessage()
                        : cause.getClass().getSimpleName() + ": " + cause.getMessage();
                return Optional.<String>empty();
            }
            this.accepted.increment();
            return Optional.of(accepted);
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

    static String truncate(String s) {
        return s == null ? "" : s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    @Override
    public void close() {
        transport.close();
    }
}
