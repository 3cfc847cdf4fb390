package com.ims.loadgen.scenario;

import com.ims.loadgen.Bench;
import com.ims.loadgen.Progress;
import com.ims.loadgen.metrics.LatencyBook;
import com.ims.loadgen.metrics.MessageTracker;
import com.ims.loadgen.publish.Publisher;
import com.ims.loadgen.publish.RateLoop;
import com.ims.loadgen.report.Result;
import com.ims.loadgen.server.JvmCounters;
import com.ims.loadgen.server.ServerProbe;
import com.ims.loadgen.ws.Fleet;
import java.time.Duration;
import java.util.Map;

/**
 * Scenario 2: N users all in one role; messages to the role at a fixed rate through the producer API. Measures
 * deliveries per second, latency per delivery across all recipients, loss, and server CPU per delivered message.
 */
public final class FanoutScenario {

    private FanoutScenario() {
    }

    public static Result run(Bench bench) throws InterruptedException {
        Result result = Result.start(bench.target.id, "fanout", bench.args.string("label", ""), Bench.now());
        double rate = bench.args.decimal("rate", 1);
        Duration duration = bench.args.duration("duration", Duration.ofSeconds(60));
        Duration drain = bench.args.duration("drain", Duration.ofSeconds(15));
        Common.commonParams(bench, result);
        result.param("rate msg/s", rate).param("duration", duration.toSeconds() + " s")
                .param("payload bytes", bench.args.integer("payload-bytes", 64))
                .param("persistent", !bench.args.flag("transient"));
        Bench.ServerSet servers = bench.servers();
        Common.describeServers(bench, servers, result);

        LatencyBook latency = new LatencyBook();
        MessageTracker tracker = new MessageTracker();
        try (Fleet fleet = bench.newFleet(latency, tracker); Publisher publisher = bench.newPublisher()) {
            Common.connect(bench, fleet, result);
            // the gateway publishes each connection's roles through presence; give the directory a moment
            Common.sleep(bench.args.duration("settle", Duration.ofSeconds(3)));
            warmUp(bench, fleet, publisher, tracker, latency, rate, drain, result);
            long deliveriesBefore = fleet.counters().deliveries.sum();
            Map<Long, ServerProbe.CpuTime> cpuBefore = servers.cpuTimes();
            Map<Long, JvmCounters.Times> jvmBefore = servers.jvmTimes();
            long selfBefore = Common.selfCpuMicros();
            long start = System.currentTimeMillis();
            try (Progress p = new Progress("fanout", bench.progressEvery,
                    () -> Common.fleetStatus(fleet) + " " + Common.publishStatus(publisher) + " " + latency.summary().oneLine())) {
                RateLoop.run(rate, duration, seq -> toRole(bench, fleet, publisher, tracker, "fanout", seq), null);
                publisher.drain(Duration.ofSeconds(30));
                boolean complete = Common.awaitComplete(tracker, drain);
                if (!complete) {
                    result.note("not every delivery arrived within the drain time of " + drain.toSeconds() + " s");
                }
            }
            Map<Long, ServerProbe.CpuTime> cpuAfter = servers.cpuTimes();
            Map<Long, JvmCounters.Times> jvmAfter = servers.jvmTimes();
            long selfAfter = Common.selfCpuMicros();
            long delivered = fleet.counters().deliveries.sum() - deliveriesBefore;
            long end = Math.max(fleet.lastDeliveryAtMs(), start + 1);
            result.metric("recipients", fleet.readyCount());
            Common.publisherMetrics(publisher, result);
            Common.tallyMetrics(tracker, fleet, result);
            result.metric("deliveries per second", Common.round(delivered * 1000.0 / Math.max(duration.toMillis(), end - start)));
            Common.cpuMetrics(servers, cpuBefore, cpuAfter, selfBefore, selfAfter, delivered, result);
            Common.jvmMetrics(servers, jvmBefore, jvmAfter, result);
        }
        return result.withLatency(latency.summary());
    }

    /**
     * {@code --warmup}: the same messages for this long first, all awaited, then forgotten by the latency book and the
     * CPU and rate figures (their deliveries still count in the loss tally). A service that has run for a while has
     * compiled its delivery path; the measured minute then shows that, not the first messages' compilation.
     */
    private static void warmUp(Bench bench, Fleet fleet, Publisher publisher, MessageTracker tracker, LatencyBook latency,
                               double rate, Duration drain, Result result) throws InterruptedException {
        Duration warmup = bench.args.duration("warmup", Duration.ZERO);
        result.param("warm-up", warmup.toSeconds() + " s");
        if (warmup.isZero()) {
            return;
        }
        Common.warmUp(rate, warmup, seq -> toRole(bench, fleet, publisher, tracker, "warmup", seq), publisher, tracker,
                latency, drain, result);
    }

    /** One message to the role; each connected user is to receive it once. */
    private static void toRole(Bench bench, Fleet fleet, Publisher publisher, MessageTracker tracker, String scenario,
                               long seq) {
        int recipients = fleet.readyCount();
        publisher.send(bench.requestBody("role", bench.role, scenario, seq))
                .thenAccept(id -> id.ifPresent(x -> tracker.expect(x, recipients)));
    }
}
