package com.ims.loadgen.scenario;

import com.ims.loadgen.Bench;
import com.ims.loadgen.Progress;
import com.ims.loadgen.metrics.LatencyBook;
import com.ims.loadgen.metrics.MessageTracker;
import com.ims.loadgen.publish.Publisher;
import com.ims.loadgen.publish.RateLoop;
import com.ims.loadgen.report.Result;
import com.ims.loadgen.ws.Fleet;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * Scenario 4: N clients dropped at once (the server restarted by {@code --restart-cmd}, or killed by {@code --kill-pid}
 * and brought back by whatever supervises it) reconnect with the SDK's full-jitter backoff, while unicast messages keep
 * being published. Measures the time until every client is back and has received every message accepted meanwhile,
 * and the messages lost (must be 0).
 */
public final class ReconnectScenario {

    private ReconnectScenario() {
    }

    public static Result run(Bench bench) throws InterruptedException {
        Result result = Result.start(bench.target.id, "reconnect", bench.args.string("label", ""), Bench.now());
        String restartCmd = bench.args.string("restart-cmd", null);
        long killPid = Long.parseLong(bench.args.string("kill-pid", "-1"));
        if (restartCmd == null && killPid <= 0) {
            throw new IllegalArgumentException("reconnect needs --restart-cmd \"...\" and/or --kill-pid PID");
        }
        double rate = bench.args.decimal("rate", 100);
        Duration before = bench.args.duration("publish-before", Duration.ofSeconds(2));
        Duration during = bench.args.duration("publish-for", Duration.ofSeconds(10));
        // A handover drops nobody until the next process is up, however long it takes to start: publish until this
        // long after the first drop instead (publish-for then only caps the window).
        Duration afterDrop = bench.args.duration("publish-after-drop", null);
        Duration timeout = bench.args.duration("timeout", Duration.ofSeconds(90));
        Common.commonParams(bench, result);
        result.param("publish rate msg/s", rate)
                .param("publish window", before.toSeconds() + " s before + " + (afterDrop == null
                        ? during.toSeconds() + " s after the drop"
                        : afterDrop.toSeconds() + " s after the first drop (at most " + during.toSeconds() + " s after the restart)"))
                .param("backoff ms", bench.args.integer("min-delay", 1000) + ".." + bench.args.integer("max-delay", 30_000)
                        + " full jitter");
        if (restartCmd != null) {
            result.param("restart command", restartCmd);
        }

        LatencyBook latency = new LatencyBook();
        MessageTracker tracker = new MessageTracker();
        try (Fleet fleet = bench.newFleet(latency, tracker); Publisher publisher = bench.newPublisher()) {
            int ready = Common.connect(bench, fleet, result);
            // A gateway restarts beside services, a broker and a store that have been running: freshly started, they
            // would spend the storm compiling their message path (and their connect path, which the caller warms with
            // rounds of connects first: run-all.sh). The restarted gateway starts cold either way.
            Common.warmUpRandomUnicasts(bench, publisher, tracker, latency,
                    bench.args.duration("drain", Duration.ofSeconds(15)), result);
            Common.sleep(bench.args.duration("settle", Duration.ofSeconds(3)));
            long attemptsBefore = fleet.counters().connectAttempts.sum();
            long failuresBefore = fleet.counters().connectFailures.sum();
            long closesBefore = fleet.counters().closes.sum();
            fleet.resetDropClock();

            // its own thread: the common pool has one thread on two cores, and the HTTP client's callbacks need it
            CompletableFuture<Long> publishing = new CompletableFuture<>();
            BooleanSupplier pastTheDrop = () -> afterDrop != null && fleet.firstDropAtMs() > 0
                    && System.currentTimeMillis() >= fleet.firstDropAtMs() + afterDrop.toMillis();
            Thread publishThread = new Thread(() -> publishing.complete(RateLoop.run(rate, before.plus(during),
                    seq -> Common.toRandomUser(bench, publisher, tracker, "reconnect", seq), null, pastTheDrop)), "lg-publish");
            publishThread.setDaemon(true);
            publishThread.start();
            Common.sleep(before);

            long dropAt = System.currentTimeMillis();
            if (killPid > 0) {
                ProcessHandle.of(killPid).ifPresentOrElse(ProcessHandle::destroyForcibly,
                        () -> result.note("--kill-pid " + killPid + " was not running"));
            }
            CompletableFuture<Integer> restart = restartCmd == null ? CompletableFuture.completedFuture(0) : runAsync(restartCmd);

            AtomicInteger minReady = new AtomicInteger(ready);
            long allBackAt = -1;
            long caughtUpAt = -1;
            long deadline = System.nanoTime() + timeout.toNanos();
            try (Progress p = new Progress("reconnect", bench.progressEvery,
                    () -> Common.fleetStatus(fleet) + " " + Common.publishStatus(publisher))) {
                while (System.nanoTime() < deadline) {
                    int now = fleet.readyCount();
                    minReady.accumulateAndGet(now, Math::min);
                    if (fleet.firstDropAtMs() > 0) {
                        if (now < fleet.size()) {
                            allBackAt = -1; // still (or again, after a second wave) missing someone
                        } else if (allBackAt < 0) {
                            allBackAt = System.currentTimeMillis();
                        }
                    }
                    if (publishing.isDone() && allBackAt > 0 && tracker.complete()) {
                        caughtUpAt = System.currentTimeMillis();
                        break;
                    }
                    Thread.sleep(20);
                }
            }
            if (!publishing.isDone()) {
                publishThread.interrupt();
            }
            publisher.drain(Duration.ofSeconds(10));
            Integer exit = restart.completeOnTimeout(null, 1, TimeUnit.SECONDS).join();
            long firstDrop = fleet.firstDropAtMs();

            // Behind a load balancer some clients are back before the last one is dropped: "clients dropped" is the
            // most missing at once, "connections closed" every connection the restart cut.
            result.metric("connections closed", fleet.counters().closes.sum() - closesBefore)
                    .metric("clients dropped", ready - minReady.get())
                    .metric("first drop after restart ms", firstDrop > 0 ? firstDrop - dropAt : -1)
                    .metric("all back after ms", allBackAt > 0 ? allBackAt - dropAt : -1)
                    .metric("all back and caught up after ms", caughtUpAt > 0 ? caughtUpAt - dropAt : -1)
                    // A handover restart drops nobody until the next process is up: its storm starts at the first drop.
                    .metric("all back after the first drop ms", allBackAt > 0 && firstDrop > 0 ? allBackAt - firstDrop : -1)
                    .metric("caught up after the first drop ms", caughtUpAt > 0 && firstDrop > 0 ? caughtUpAt - firstDrop : -1)
                    .metric("reconnect attempts", fleet.counters().connectAttempts.sum() - attemptsBefore)
                    .metric("failed attempts", fleet.counters().connectFailures.sum() - failuresBefore)
                    .metric("failed attempts by close code (whole run)", fleet.counters().failuresByCode())
                    .metric("restart command exit", exit == null ? "still running" : exit);
            Common.publisherMetrics(publisher, result);
            Common.tallyMetrics(tracker, fleet, result);
            if (firstDrop <= 0) {
                result.note("no connection dropped: the restart did not reach the server");
            }
            if (caughtUpAt < 0) {
                result.note("not all back and caught up within " + timeout.toSeconds() + " s");
            }
        }
        return result.withLatency(latency.summary());
    }

    /** Runs the restart command in bash without waiting (it may start a server in the foreground); output to a log. */
    private static CompletableFuture<Integer> runAsync(String command) {
        try {
            File log = new File("loadgen-restart.log");
            Process p = new ProcessBuilder(List.of("bash", "-c", command))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                    .start();
            return p.onExit().thenApply(Process::exitValue);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run --restart-cmd: " + e.getMessage(), e);
        }
    }
}
