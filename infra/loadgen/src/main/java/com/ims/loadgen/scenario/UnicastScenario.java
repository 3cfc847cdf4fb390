package com.ims.loadgen.scenario;

import com.ims.loadgen.Bench;
import com.ims.loadgen.Progress;
import com.ims.loadgen.metrics.LatencyBook;
import com.ims.loadgen.metrics.LatencySummary;
import com.ims.loadgen.metrics.MessageTracker;
import com.ims.loadgen.publish.Publisher;
import com.ims.loadgen.publish.RateLoop;
import com.ims.loadgen.report.Result;
import com.ims.loadgen.server.JvmCounters;
import com.ims.loadgen.server.ServerProbe;
import com.ims.loadgen.ws.Fleet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario 3: notifications to random online users through the full path, stepping the rate. Each step's latency comes
 * from the frames the server stamped during that step; the knee is the first step whose p99 is more than twice the
 * first step's (and 10 ms above it), or that could not be sent at its rate. Each step also reports the CPU all listed
 * servers spent per accepted message in it and the JVMs' compile time in it.
 */
public final class UnicastScenario {

    private UnicastScenario() {
    }

    public static Result run(Bench bench) throws InterruptedException {
        Result result = Result.start(bench.target.id, "unicast", bench.args.string("label", ""), Bench.now());
        List<Double> rates = bench.args.decimals("rates", List.of(100.0, 250.0, 500.0, 1000.0));
        Duration step = bench.args.duration("step", Duration.ofSeconds(20));
        Duration pause = bench.args.duration("step-pause", Duration.ofSeconds(2));
        Duration drain = bench.args.duration("drain", Duration.ofSeconds(15));
        Common.commonParams(bench, result);
        result.param("rates msg/s", rates.toString()).param("step", step.toSeconds() + " s")
                .param("persistent", !bench.args.flag("transient"));
        Bench.ServerSet servers = bench.servers();
        Common.describeServers(bench, servers, result);

        LatencyBook latency = new LatencyBook();
        MessageTracker tracker = new MessageTracker();
        try (Fleet fleet = bench.newFleet(latency, tracker); Publisher publisher = bench.newPublisher()) {
            Common.connect(bench, fleet, result);
            Common.sleep(bench.args.duration("settle", Duration.ofSeconds(3)));
            Common.warmUpRandomUnicasts(bench, publisher, tracker, latency, drain, result);
            Map<Long, ServerProbe.CpuTime> cpuBefore = servers.cpuTimes();
            Map<Long, JvmCounters.Times> jvmBefore = servers.jvmTimes();
            long selfBefore = Common.selfCpuMicros();
            long deliveriesBefore = fleet.counters().deliveries.sum();
            List<LatencyBook.Window> windows = new ArrayList<>();
            List<long[]> sent = new ArrayList<>();
            List<Common.StepCost> costs = new ArrayList<>();
            try (Progress p = new Progress("unicast", bench.progressEvery,
                    () -> Common.fleetStatus(fleet) + " " + Common.publishStatus(publisher))) {
                for (double rate : rates) {
                    long from = System.currentTimeMillis();
                    windows.add(latency.openWindow(Double.toString(rate), from, from + step.toMillis()));
                    long attemptedBefore = publisher.attempted.sum();
                    long shedBefore = publisher.shed.sum();
                    long acceptedBefore = publisher.accepted.sum();
                    long refusedBefore = publisher.rejected.sum() + publisher.failed.sum();
                    Map<Long, ServerProbe.CpuTime> stepCpu = servers.cpuTimes();
                    Map<Long, JvmCounters.Times> stepJvm = servers.jvmTimes();
                    RateLoop.run(rate, step, seq -> Common.toRandomUser(bench, publisher, tracker, "unicast", seq), null);
                    Common.sleep(pause);
                    sent.add(new long[] {publisher.attempted.sum() - attemptedBefore, publisher.shed.sum() - shedBefore,
                            publisher.accepted.sum() - acceptedBefore,
                            publisher.rejected.sum() + publisher.failed.sum() - refusedBefore});
                    costs.add(Common.stepCost(stepCpu, servers.cpuTimes(), stepJvm, servers.jvmTimes(),
                            publisher.accepted.sum() - acceptedBefore));
                }
                publisher.drain(Duration.ofSeconds(30));
                if (!Common.awaitComplete(tracker, drain)) {
                    result.note("not every delivery arrived within the drain time of " + drain.toSeconds() + " s");
                }
            }
            Map<Long, ServerProbe.CpuTime> cpuAfter = servers.cpuTimes();
            Map<Long, JvmCounters.Times> jvmAfter = servers.jvmTimes();
            long delivered = fleet.counters().deliveries.sum() - deliveriesBefore;
            Common.publisherMetrics(publisher, result);
            Common.tallyMetrics(tracker, fleet, result);
            Common.cpuMetrics(servers, cpuBefore, cpuAfter, selfBefore, Common.selfCpuMicros(), delivered, result);
            Common.jvmMetrics(servers, jvmBefore, jvmAfter, result);

            String knee = "not reached";
            double baseP99 = -1;
            for (int i = 0; i < rates.size(); i++) {
                LatencySummary s = windows.get(i).summary();
                // achieved = what the producer API accepted, not what was attempted: a 429 is not a delivery
                double achieved = sent.get(i)[2] / (double) Math.max(1, step.toSeconds());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("rate", rates.get(i));
                row.put("accepted/s", Common.round(achieved));
                row.put("refused", sent.get(i)[3]);
                row.put("shed", sent.get(i)[1]);
                row.put("received", s.count());
                row.put("p50 ms", s.p50Ms());
                row.put("p99 ms", s.p99Ms());
                row.put("p999 ms", s.p999Ms());
                row.put("max ms", s.maxMs());
                row.put("cpu us/msg", costs.get(i).cpuMicrosPerMessage());
                row.put("jit ms", costs.get(i).jitMs());
                result.steps().add(row);
                boolean cannotKeepUp = achieved < 0.9 * rates.get(i) || sent.get(i)[1] > 0;
                if (i == 0) {
                    baseP99 = s.p99Ms();
                }
                if ("not reached".equals(knee)
                        && ((i > 0 && s.p99Ms() > 2 * baseP99 && s.p99Ms() > baseP99 + 10) || cannotKeepUp)) {
                    knee = rates.get(i) + " msg/s" + (cannotKeepUp ? " (not accepted at that rate)" : "");
                }
            }
            result.metric("latency climbs at", knee);
        }
        return result.withLatency(latency.summary());
    }
}
