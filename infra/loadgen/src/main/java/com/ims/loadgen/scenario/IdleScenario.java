package com.ims.loadgen.scenario;

import com.ims.loadgen.Bench;
import com.ims.loadgen.Progress;
import com.ims.loadgen.metrics.LatencyBook;
import com.ims.loadgen.metrics.MessageTracker;
import com.ims.loadgen.report.Result;
import com.ims.loadgen.server.ServerProbe;
import com.ims.loadgen.ws.Fleet;
import java.time.Duration;

/**
 * Scenario 1: N connections held idle; the server's resident memory (and, for a JVM, heap after a full GC) per
 * connection. Start the server fresh before this scenario: the baseline is read before the first connection opens.
 */
public final class IdleScenario {

    private IdleScenario() {
    }

    public static Result run(Bench bench) throws InterruptedException {
        Result result = Result.start(bench.target.id, "idle", bench.args.string("label", ""), Bench.now());
        Duration hold = bench.args.duration("hold", Duration.ofSeconds(60));
        Common.commonParams(bench, result);
        result.param("hold", hold.toSeconds() + " s");
        Bench.ServerSet servers = bench.servers();
        Common.describeServers(bench, servers, result);
        long pid = servers.primary();
        boolean gc = !bench.args.flag("no-gc");

        String gcUrl = bench.args.string("gc-url", null);
        Snapshot before = Snapshot.take(pid, gc, gcUrl);
        try (Fleet fleet = bench.newFleet(new LatencyBook(), new MessageTracker())) {
            int ready = Common.connect(bench, fleet, result);
            try (Progress p = new Progress("idle", bench.progressEvery, () -> Common.fleetStatus(fleet))) {
                Common.sleep(hold);
            }
            Snapshot after = Snapshot.take(pid, gc, gcUrl);
            int held = fleet.readyCount();
            result.metric("connections held at end", held)
                    .metric("closes during hold", fleet.counters().closes.sum())
                    .metric("pings answered", fleet.counters().pingsAnswered.sum());
            if (pid > 0) {
                result.metric("server rss before MiB", Common.round(before.rssKb / 1024.0))
                        .metric("server rss after MiB", Common.round(after.rssKb / 1024.0))
                        .metric("rss per connection KB", perConnection(before.rssKb, after.rssKb, held));
                if (before.heapKb >= 0 && after.heapKb >= 0) {
                    result.metric("server heap before MiB", Common.round(before.heapKb / 1024.0))
                            .metric("server heap after MiB", Common.round(after.heapKb / 1024.0))
                            .metric("heap per connection KB", perConnection(before.heapKb, after.heapKb, held));
                } else {
                    result.note("heap figures need a JVM server (jcmd); RSS is the comparable figure"
                            + (gcUrl == null ? " (no --gc-url: RSS read without a forced GC)" : ""));
                }
            }
            result.metric("loadgen rss MiB", Common.round(ServerProbe.rssKb(ProcessHandle.current().pid()) / 1024.0));
            if (ready == 0) {
                result.note("nothing connected: check --url and that the server runs");
            }
        }
        return result;
    }

    /** KiB are 1024 bytes; the figure is reported in KB of 1000 bytes, as the targets are. */
    static double perConnection(long beforeKb, long afterKb, int connections) {
        if (connections <= 0) {
            return Double.NaN;
        }
        return Common.round((afterKb - beforeKb) * 1.024 / connections);
    }

    private record Snapshot(long rssKb, long heapKb) {
        static Snapshot take(long pid, boolean gc, String gcUrl) throws InterruptedException {
            if (pid <= 0) {
                return new Snapshot(-1, -1);
            }
            // a JVM is collected through jcmd; a Node peer started with --expose-gc through its /gc endpoint
            if (gc && (ServerProbe.fullGc(pid) || (gcUrl != null && ServerProbe.httpGc(gcUrl)))) {
                Thread.sleep(1000); // let the collector return memory before reading RSS
            }
            return new Snapshot(ServerProbe.rssKb(pid), ServerProbe.heapUsedKb(pid));
        }
    }
}
