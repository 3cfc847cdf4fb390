package com.ims.notification.routing;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Awaiting a batch of Kafka sends at once: the producer batches them, the caller waits once. */
public final class Sends {

    private Sends() {
    }

    /** Waits for every send to finish, successfully or not; returns how many failed (they logged themselves). */
    public static int awaitSettled(List<CompletableFuture<?>> sends, Duration timeout) {
        if (sends.isEmpty()) {
            return 0;
        }
        CompletableFuture<?> all = CompletableFuture.allOf(sends.stream()
                .map(f -> f.handle((r, e) -> null)).toArray(CompletableFuture[]::new));
        try {
            all.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while awaiting sends", e);
        } catch (Exception e) {
            throw new IllegalStateException("sends did not complete within " + timeout, e);
        }
        return (int) sends.stream().filter(CompletableFuture::isCompletedExceptionally).count();
    }

    /** Waits for every send and throws if any failed: for records that must not be lost (DLT, producer API). */
    public static void awaitAll(List<CompletableFuture<?>> sends, Duration timeout) {
        if (sends.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while awaiting sends", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new org.apache.kafka.common.errors.TimeoutException("sends did not complete within " + timeout);
        }
    }
}
