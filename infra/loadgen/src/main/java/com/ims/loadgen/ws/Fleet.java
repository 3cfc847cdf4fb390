package com.ims.loadgen.ws;

import com.ims.loadgen.metrics.Counters;
import com.ims.loadgen.metrics.LatencyBook;
import com.ims.loadgen.metrics.MessageTracker;
import java.net.InetAddress;
import java.net.URI;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * N simulated clients on a few selector threads ({@link WsLoop}): no thread or timer per connection. Clients are spread over source addresses 127.0.0.x because one address can hold
 * only about 28,000 ephemeral ports; they reconnect like the SDK (full-jitter backoff) whenever the server drops them.
 */
public final class Fleet implements AutoCloseable {

    /**
     * @param wire                  the server's protocol
     * @param url                   WebSocket URL without the per-user query
     * @param size                  number of connections
     * @param userIds               user id of connection i
     * @param tokens                token of a user id ("" for token-less peers)
     * @param sourceAddresses       local addresses to bind, used in order, {@code perAddress} connections each (null:
     *                              no bind, the kernel picks)
     * @param perAddress            connections per source address before the next one is used
     * @param ioThreads             selector threads shared by all connections
     * @param handshakeConcurrency  handshakes in flight during the initial ramp
     * @param connectTimeout        handshake deadline
     * @param backoff               reconnect delays
     * @param ackInterval           how often pending acks are flushed, batched per connection; 100 ms (the SDK's
     *                              spacing) keeps a busy connection at 10 ack frames/s, under the gateway's 20/s limit
     * @param ack                   whether deliveries with an id are acknowledged
     */
    public record Config(Wire wire, URI url, int size, IntFunction<String> userIds,
                         java.util.function.Function<String, String> tokens, List<InetAddress> sourceAddresses,
                         int perAddress, int ioThreads, int handshakeConcurrency,
                         Duration connectTimeout, Backoff backoff, Duration ackInterval, boolean ack) {
        public Config {
            if (size < 1) {
                throw new IllegalArgumentException("connections must be at least 1");
            }
            if ((long) sourceAddresses.size() * perAddress < size) {
                throw new IllegalArgumentException(size + " connections need more than " + sourceAddresses.size()
                        + " source address(es) x " + perAddress + " (--source-addrs / --conns-per-addr)");
            }
        }
    }

    private final Config config;
    private final LatencyBook latency;
    private final MessageTracker tracker;
    private final Counters counters = new Counters();
    private final Connection[] connections;
    private final WsLoop[] loops;
    private final ScheduledExecutorService scheduler;
    private final Queue<Connection> ackQueue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicLong lastReadyAtMs = new AtomicLong();
    private final AtomicLong firstDropAtMs = new AtomicLong();
    private final AtomicLong lastDeliveryAtMs = new AtomicLong();
    private final Semaphore rampSlots;
    private final boolean[] holdsRampSlot;
    private volatile boolean closing;

    public Fleet(Config config, LatencyBook latency, MessageTracker tracker) {
        this.config = config;
        this.latency = latency;
        this.tracker = tracker;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("lg-sched"));
        this.loops = new WsLoop[config.ioThreads()];
        for (int i = 0; i < loops.length; i++) {
            loops[i] = new WsLoop("lg-io-" + (i + 1));
        }
        this.connections = new Connection[config.size()];
        for (int i = 0; i < connections.length; i++) {
            String user = config.userIds().apply(i);
            connections[i] = new Connection(this, i, user, config.tokens().apply(user));
        }
        this.rampSlots = new Semaphore(config.handshakeConcurrency());
        this.holdsRampSlot = new boolean[config.size()];
        long flushMs = Math.max(1, config.ackInterval().toMillis());
        scheduler.scheduleAtFixedRate(this::flushAcks, flushMs, flushMs, TimeUnit.MILLISECONDS);
    }

    /**
     * Opens every connection, at most {@code handshakeConcurrency} handshakes at a time, and waits until all are ready
     * or the deadline passes; failures retry with backoff meanwhile. Returns how many are ready.
     */
    public int connectAll(Duration deadline, Runnable progress) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        for (Connection c : connections) {
            while (!rampSlots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() > until) {
                    return ready.get();
                }
            }
            synchronized (holdsRampSlot) {
                holdsRampSlot[c.index()] = true;
            }
            connect(c);
        }
        while (ready.get() < connections.length && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        return ready.get();
    }

    /** Waits until every connection is ready again; false at the deadline. */
    public boolean awaitAllReady(Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        while (ready.get() < connections.length) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private void connect(Connection c) {
        if (closing) {
            releaseRampSlot(c);
            return;
        }
        long gen = c.beginAttempt();
        counters.connectAttempts.increment();
        InetAddress source = config.sourceAddresses().get(c.index() / config.perAddress());
        URI uri = config.wire().uri(config.url(), c);
        WsLoop loop = loops[c.index() % loops.length];
        // null = let connect() pick the port: unlike bind(), it may reuse a port across destinations and take over
        // loopback TIME_WAIT ports (tcp_tw_reuse=2), so back-to-back runs do not exhaust 127.0.0.1's port range
        InetSocketAddress local = source == null ? null : new InetSocketAddress(source, 0);
        synchronized (c) {
            if (c.isCurrent(gen)) {
                c.connecting(loop.connect(uri, local, c, config.connectTimeout()));
            }
        }
    }

    private void scheduleReconnect(Connection c, int closeCode) {
        if (closing) {
            return;
        }
        long delay = config.backoff().delayAfterClose(closeCode, c.failedAttempt());
        scheduler.schedule(() -> connect(c), delay, TimeUnit.MILLISECONDS);
    }

    private void releaseRampSlot(Connection c) {
        synchronized (holdsRampSlot) {
            if (!holdsRampSlot[c.index()]) {
                return;
            }
            holdsRampSlot[c.index()] = false;
        }
        rampSlots.release();
    }

    // ---- callbacks from connections ----

    Wire wire() {
        return config.wire();
    }

    public Counters counters() {
        return counters;
    }

    void onReady(Connection c) {
        releaseRampSlot(c);
        ready.incrementAndGet();
        lastReadyAtMs.set(System.currentTimeMillis());
    }

    void onDelivery(Connection c, FrameFields f) {
        counters.deliveries.increment();
        lastDeliveryAtMs.set(System.currentTimeMillis());
        boolean first = f.id() == null || tracker.received(f.id(), c.index());
        if (first) {
            if (f.hasTimestamp()) {
                latency.record(f.timestamp(), nowMicros());
            }
        } else {
            counters.duplicates.increment();
        }
        if (config.ack() && f.id() != null && c.queueAck(f.id())) {
            ackQueue.add(c);
        }
    }

    void onDown(Connection c, WsChannel ws, int code) {
        boolean wasReady;
        synchronized (c) {
            if (!c.isCurrentSocket(ws)) {
                return;
            }
            wasReady = c.markDown();
        }
        if (wasReady) {
            ready.decrementAndGet();
            counters.closes.increment();
            firstDropAtMs.compareAndSet(0, System.currentTimeMillis());
        } else {
            counters.connectFailed(code);
            releaseRampSlot(c);
        }
        scheduleReconnect(c, code);
    }

    private void flushAcks() {
        long now = System.currentTimeMillis();
        Connection c;
        while ((c = ackQueue.poll()) != null) {
            c.flushAcks(now);
        }
    }

    // ---- state ----

    public int size() {
        return connections.length;
    }

    public int readyCount() {
        return ready.get();
    }

    public Connection connection(int index) {
        return connections[index];
    }

    /** Epoch ms of the most recent connection becoming ready. */
    public long lastReadyAtMs() {
        return lastReadyAtMs.get();
    }

    /** Epoch ms of the first ready connection lost since the last {@link #resetDropClock()}, 0 if none. */
    public long firstDropAtMs() {
        return firstDropAtMs.get();
    }

    /** Epoch ms of the most recent delivery. */
    public long lastDeliveryAtMs() {
        return lastDeliveryAtMs.get();
    }

    public void resetDropClock() {
        firstDropAtMs.set(0);
    }

    public static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** Closes every connection politely, aborts the stragglers, and stops the threads. */
    @Override
    public void close() {
        closing = true;
        flushAcks();
        for (Connection c : connections) {
            c.close();
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (ready.get() > 0 && System.nanoTime() < until) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (Connection c : connections) {
            c.abort();
        }
        scheduler.shutdownNow();
        for (WsLoop loop : loops) {
            loop.close();
        }
    }

    static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * The default source addresses for {@code connections}: the first {@code perAddress} connections leave the choice
     * to the kernel (null, which means 127.0.0.1 towards a loopback server), the next bind 127.0.0.2, 127.0.0.3, ...
     */
    public static List<InetAddress> defaultSources(int connections, int perAddress) {
        List<InetAddress> out = new ArrayList<>();
        out.add(null);
        int needed = (connections + perAddress - 1) / perAddress;
        if (needed > 1) {
            out.addAll(loopbackAddresses(2, needed - 1));
        }
        return out;
    }

    /** Source addresses 127.0.0.{first}, 127.0.0.{first+1}, ... */
    public static List<InetAddress> loopbackAddresses(int first, int count) {
        List<InetAddress> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int last = first + i;
            if (last < 1 || last > 254) {
                throw new IllegalArgumentException("source address 127.0.0." + last + " is out of range");
            }
            try {
                out.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last}));
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }
}
