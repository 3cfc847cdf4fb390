package com.ims.loadgen;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/** One status line on stderr every interval while a phase runs; stdout stays for the result table. */
public final class Progress implements AutoCloseable {

    private final Thread thread;

    public Progress(String phase, Duration every, Supplier<String> status) {
        long start = System.nanoTime();
        this.thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(every.toMillis());
                    double secs = (System.nanoTime() - start) / 1e9;
                    System.err.printf(Locale.ROOT, "[%s %6.1fs] %s%n", phase, secs, status.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lg-progress");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
