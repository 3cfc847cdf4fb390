package com.ims.gateway.outbox;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends the gateway's own records (presence events, receipt batches) without ever blocking the caller: a socket thread
 * hands the record to one sender thread through a bounded queue. {@code KafkaTemplate.send} itself may block (metadata,
 * full buffer), which is acceptable on that thread and never on a socket's.
 *
 * @implNote One thread keeps records of one key in the order they were handed over (CONNECTED before DISCONNECTED).
 *     When the queue is full the record is dropped and counted: presence is repaired by the lease and by STARTED, receipts
 *     by redelivery.
 */
public final class KafkaOutbox implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaOutbox.class);
    static final int CAPACITY = 50_000;

    private final KafkaTemplate<String, Object> template;
    private final ThreadPoolExecutor sender;
    private final AtomicLong dropped = new AtomicLong();

    public KafkaOutbox(KafkaTemplate<String, Object> template) {
        this.template = template;
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(CAPACITY),
                r -> {
                    Thread t = new Thread(r, "kafka-outbox");
                    t.setDaemon(true);
                    return t;
                },
                (r, executor) -> {
                    long n = dropped.incrementAndGet();
                    log.warn("kafka outbox full, record dropped dropped={}", n);
                });
    }

    public void send(String topic, String key, Object value) {
        if (sender.isShutdown()) {
            return;
        }
        sender.execute(() -> {
            try {
                template.send(topic, key, value).whenComplete((result, error) -> {
                    if (error != null) {
                        log.warn("kafka send failed topic={} key={} error={}", topic, key, error.toString());
                    }
                });
            } catch (RuntimeException e) {
                log.warn("kafka send failed topic={} key={} error={}", topic, key, e.toString());
            }
        });
    }

    public long dropped() {
        return dropped.get();
    }

    public int pending() {
        return sender.getQueue().size();
    }

    /**
     * Sends what is queued and flushes the producer, within {@code timeout} (at least a second for the flush): the last
     * events of a drain must leave, but a broker that is gone must not hold the shutdown for the producer's delivery
     * timeout (two minutes): what is still unsent then is logged and left to the producer's close.
     */
    public void flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while ((sender.getQueue().size() > 0 || sender.getActiveCount() > 0) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // KafkaProducer.flush() has no timeout of its own.
        Thread flusher = Thread.ofPlatform().daemon().name("kafka-outbox-flush").start(template::flush);
        try {
            flusher.join(Duration.ofNanos(Math.max(deadline - System.nanoTime(), MIN_FLUSH.toNanos())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (flusher.isAlive()) {
            log.warn("kafka outbox: records still unsent after {} (broker unreachable?); left to the producer's close",
                    timeout);
        }
    }

    static final Duration MIN_FLUSH = Duration.ofSeconds(1);

    @Override
    public void close() {
        flush(Duration.ofSeconds(5));
        sender.shutdown();
    }
}
