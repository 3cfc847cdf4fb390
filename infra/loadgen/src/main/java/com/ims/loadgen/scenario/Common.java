package com.ims.loadgen.scenario;

import com.ims.loadgen.Bench;
import com.ims.loadgen.Progress;
import com.ims.loadgen.metrics.Counters;
import com.ims.loadgen.metrics.LatencyBook;
import com.ims.loadgen.metrics.MessageTracker;
import com.ims.loadgen.publish.Publisher;
import com.ims.loadgen.publish.RateLoop;
import com.ims.loadgen.report.Reports;
import com.ims.loadgen.report.Result;
import com.ims.loadgen.server.JvmCounters;
import com.ims.loadgen.server.ServerProbe;
import com.ims.loadgen.ws.Fleet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongConsumer;

/** Steps every scenario shares: opening the fleet with progress, CPU deltas, the loss tally. */
final class Common {

    private Common() {
    }

    static int connect(Bench bench, Fleet fleet, Result result) throws InterruptedException {
        long start = System.nanoTime();
        int ready;
        try (Progress p = new Progress("connect", bench.progressEvery, () -> fleetStatus(fleet))) {
            ready = fleet.connectAll(bench.args.duration("ramp-timeout", Duration.ofMinutes(5)), null);
        }
        double secs = (System.nanoTime() - start) / 1e9;
        result.metric("connections ready", ready)
                .metric("connect failures (retried)", fleet.counters().connectFailures.sum())
                .metric("ramp seconds", round(secs))
                .metric("handshakes per second", round(ready / Math.max(secs, 1e-3)));
        if (ready < fleet.size()) {
            result.note((fleet.size() - ready) + " of " + fleet.size() + " connections never became ready");
        }
        return ready;
    }

    static String fleetStatus(Fleet fleet) {
        Counters c = fleet.counters();
        return String.format(Locale.ROOT, "ready=%d/%d attempts=%d failures=%d closes=%d recv=%d dup=%d pings=%d errors=%d",
                fleet.readyCount(), fleet.size(), c.connectAttempts.sum(), c.connectFailures.sum(), c.closes.sum(),
                c.deliveries.sum(), c.duplicates.sum(), c.pingsAnswered.sum(), c.errorFrames.sum());
    }

    static String publishStatus(Publisher p) {
        return String.format(Locale.ROOT, "sent=%d accepted=%d rejected=%d failed=%d shed=%d",
                p.attempted.sum(), p.accepted.sum(), p.rejected.sum(), p.failed.sum(), p.shed.sum());
    }

    static void publisherMetrics(Publisher p, Result result) {
        result.metric("messages sent", p.attempted.sum())
                .metric("messages accepted", p.accepted.sum())
                .metric("messages rejected", p.rejected.sum())
                .metric("publish failures", p.failed.sum())
                .metric("publish shed (in-flight cap)", p.shed.sum());
        if (p.rejected.sum() + p.failed.sum() > 0) {
            result.note("last publish error: " + p.lastError());
        }
    }

    /** Waits until every accepted message reached its recipients, or the deadline. */
    static boolean awaitComplete(MessageTracker tracker, Duration deadline) throws InterruptedException {
        long until = System.nanoTime() + deadline.toNanos();
        while (!tracker.complete()) {
            if (System.nanoTime() > until) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    static void tallyMetrics(MessageTracker tracker, Fleet fleet, Result result) {
        MessageTracker.Tally t = tracker.tally();
        result.metric("deliveries expected", t.expected())
                .metric("deliveries received", t.delivered())
                .metric("lost", t.lost())
                .metric("duplicates (redelivered)", fleet.counters().duplicates.sum())
                .metric("unexpected ids", t.unexpected());
        if (t.lost() > 0) {
            result.note("lost sample ids: " + String.join(",", t.lostSample()));
        }
    }

    /**
     * CPU per delivery in µs: the WebSocket server alone (and its kernel share), all listed server processes, and this
     * load generator. The kernel share is the part no server can shed while it makes one send per delivery.
     */
    static void cpuMetrics(Bench.ServerSet servers, Map<Long, ServerProbe.CpuTime> before,
                           Map<Long, ServerProbe.CpuTime> after, long selfBefore, long selfAfter, long deliveries,
                           Result result) {
        long total = 0;
        for (Map.Entry<Long, Long> e : cpuDeltas(before, after).entrySet()) {
            total += e.getValue();
            result.metric("cpu ms " + servers.shortName(e.getKey()), round(e.getValue() / 1000.0));
        }
        long primary = servers.primary();
        ServerProbe.CpuTime first = before.get(primary);
        ServerProbe.CpuTime last = after.get(primary);
        if (deliveries > 0 && first != null && last != null && first.known() && last.known()) {
            result.metric("server cpu us/delivery (ws server)",
                    round((last.totalMicros() - first.totalMicros()) / (double) deliveries));
            result.metric("server kernel cpu us/delivery (ws server)",
                    round((last.systemMicros() - first.systemMicros()) / (double) deliveries));
            result.metric("server cpu us/delivery (all listed)", round(total / (double) deliveries));
            result.metric("loadgen cpu us/delivery", round((selfAfter - selfBefore) / (double) deliveries));
        }
    }

    /** One message to a random user of the fleet, expected once when accepted. */
    static void toRandomUser(Bench bench, Publisher publisher, MessageTracker tracker, String scenario, long seq) {
        publisher.send(bench.requestBody("user", bench.userId(bench.randomUser()), scenario, seq))
                .thenAccept(id -> id.ifPresent(x -> tracker.expect(x, 1)));
    }

    /**
     * {@code --warmup}: random unicasts at {@code --warmup-rate} (500/s by default) for this long first, all awaited,
     * then forgotten by the latency book and the CPU figures (they still count in the loss tally). The first thousands
     * of requests meet a request path the JIT has not compiled yet: a service that has run for a while has.
     */
    static void warmUpRandomUnicasts(Bench bench, Publisher publisher, MessageTracker tracker, LatencyBook latency,
                                     Duration drain, Result result) throws InterruptedException {
        Duration warmup = bench.args.duration("warmup", Duration.ZERO);
        double rate = bench.args.decimal("warmup-rate", 500);
        result.param("warm-up", warmup.isZero() ? "none" : warmup.toSeconds() + " s at " + Reports.format(rate) + " msg/s");
        if (warmup.isZero()) {
            return;
        }
        warmUp(rate, warmup, seq -> toRandomUser(bench, publisher, tracker, "warmup", seq), publisher, tracker, latency,
                drain, result);
    }

    /**
     * A warm-up: {@code send} at {@code rate} for {@code duration}, every accepted message awaited, then the latency
     * book reset. The messages still count in the loss tally; the caller takes its CPU baselines after this returns.
     */
    static void warmUp(double rate, Duration duration, LongConsumer send, Publisher publisher, MessageTracker tracker,
                       LatencyBook latency, Duration drain, Result result) throws InterruptedException {
        RateLoop.run(rate, duration, send, null);
        publisher.drain(Duration.ofSeconds(30));
        if (!awaitComplete(tracker, drain)) {
            result.note("not every warm-up delivery arrived within the drain time of " + drain.toSeconds() + " s");
        }
        latency.reset();
    }

    /** CPU µs of each process readable at both ends, in the order of {@code before}. */
    private static Map<Long, Long> cpuDeltas(Map<Long, ServerProbe.CpuTime> before, Map<Long, ServerProbe.CpuTime> after) {
        Map<Long, Long> deltas = new LinkedHashMap<>();
        for (Map.Entry<Long, ServerProbe.CpuTime> e : before.entrySet()) {
            ServerProbe.CpuTime end = after.get(e.getKey());
            if (end != null && end.known() && e.getValue().known()) {
                deltas.put(e.getKey(), end.totalMicros() - e.getValue().totalMicros());
            }
        }
        return deltas;
    }

    /**
     * One step's cost for the step table: CPU of every listed server per message, in µs (NaN, printed "-", when no
     * message was accepted), and the JVMs' compile time summed, in ms (a step that still compiles is not warm).
     */
    record StepCost(double cpuMicrosPerMessage, double jitMs) {
    }

    static StepCost stepCost(Map<Long, ServerProbe.CpuTime> cpuBefore, Map<Long, ServerProbe.CpuTime> cpuAfter,
                             Map<Long, JvmCounters.Times> jvmBefore, Map<Long, JvmCounters.Times> jvmAfter,
                             long messages) {
        long cpu = cpuDeltas(cpuBefore, cpuAfter).values().stream().mapToLong(Long::longValue).sum();
        long jit = jvmDeltas(jvmBefore, jvmAfter).values().stream().mapToLong(JvmCounters.Times::compileMicros).sum();
        return new StepCost(messages > 0 ? round(cpu / (double) messages) : Double.NaN, round(jit / 1000.0));
    }

    /**
     * Each JVM's JIT compile and GC pause time over the measured window, in ms: compile time there means the service
     * was not yet warm, and the window's CPU per delivery counts compilation too (JvmCounters). Both maps come from
     * {@link Bench.ServerSet#jvmTimes}, which holds only JVMs it could read.
     */
    static void jvmMetrics(Bench.ServerSet servers, Map<Long, JvmCounters.Times> before,
                           Map<Long, JvmCounters.Times> after, Result result) {
        for (Map.Entry<Long, JvmCounters.Times> e : jvmDeltas(before, after).entrySet()) {
            String name = servers.shortName(e.getKey());
            result.metric("jit ms " + name, round(e.getValue().compileMicros() / 1000.0));
            result.metric("gc ms " + name, round(e.getValue().gcMicros() / 1000.0));
        }
    }

    /** Compile and GC µs of each JVM readable at both ends, in the order of {@code before}. */
    private static Map<Long, JvmCounters.Times> jvmDeltas(Map<Long, JvmCounters.Times> before,
                                                          Map<Long, JvmCounters.Times> after) {
        Map<Long, JvmCounters.Times> deltas = new LinkedHashMap<>();
        for (Map.Entry<Long, JvmCounters.Times> e : before.entrySet()) {
            JvmCounters.Times end = after.get(e.getKey());
            if (end != null) {
                deltas.put(e.getKey(), new JvmCounters.Times(end.compileMicros() - e.getValue().compileMicros(),
                        end.gcMicros() - e.getValue().gcMicros()));
            }
        }
        return deltas;
    }

    static long selfCpuMicros() {
        return ServerProbe.cpuMicros(ProcessHandle.current().pid());
    }

    static void describeServers(Bench bench, Bench.ServerSet servers, Result result) {
        result.param("server processes", servers.describe());
        if (servers.pids().isEmpty()) {
            result.note("no server process found: memory and CPU figures are missing (pass --server-pid)");
        }
    }

    static void commonParams(Bench bench, Result result) {
        result.param("connections", bench.connections)
                .param("url", bench.args.string("url", bench.target.defaultUrl))
                .param("publish via", bench.publishesViaKafka() ? "kafka " + bench.args.string("kafka-bootstrap", "127.0.0.1:9092")
                        : "http " + bench.args.string("publish-url", bench.target.defaultPublishUrl))
                .param("user prefix", bench.userPrefix);
        if (bench.target.authenticated) {
            result.param("role", bench.role);
        }
    }

    static double round(double v) {
        return Math.round(v * 100.0) / 100.0;
    }

    static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(Math.max(0, d.toMillis()));
    }

    static LatencyBook latency() {
        return new LatencyBook();
    }
}
