package com.ims.loadgen.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.loadgen.Bench;
import com.ims.loadgen.report.Result;
import com.ims.loadgen.server.JvmCounters;
import com.ims.loadgen.server.ServerProbe.CpuTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CPU figures reported beside every throughput figure: per delivery, the server's kernel share apart. */
class CpuMetricsTest {

    @Test
    void reportsTheWsServersCpuAndItsKernelSharePerDeliveryAndTheWholePlatforms() {
        Bench.ServerSet servers = wsServerAndStore();
        Map<Long, CpuTime> before = Map.of(10L, new CpuTime(1_000_000, 500_000), 20L, new CpuTime(0, 0));
        Map<Long, CpuTime> after = Map.of(10L, new CpuTime(3_000_000, 1_500_000), 20L, new CpuTime(800_000, 200_000));
        Result result = Result.start("ims", "fanout", "t", "now");

        Common.cpuMetrics(servers, before, after, 0, 400_000, 100_000, result);

        assertThat(result.metrics())
                .containsEntry("cpu ms ws8080", 3000.0)
                .containsEntry("cpu ms store", 1000.0)
                .containsEntry("server cpu us/delivery (ws server)", 30.0)
                .containsEntry("server kernel cpu us/delivery (ws server)", 10.0)
                .containsEntry("server cpu us/delivery (all listed)", 40.0)
                .containsEntry("loadgen cpu us/delivery", 4.0);
    }

    @Test
    void leavesOutAProcessThatCouldNotBeRead() {
        Bench.ServerSet servers = new Bench.ServerSet(Map.of(10L, "ws:8080"), List.of());
        Result result = Result.start("ims", "fanout", "t", "now");

        Common.cpuMetrics(servers, Map.of(10L, CpuTime.UNKNOWN), Map.of(10L, new CpuTime(5, 5)), 0, 0, 100, result);

        assertThat(result.metrics()).isEmpty();
    }

    @Test
    void reportsEachJvmsCompileAndGcTimeOverTheWindowAndSkipsOneThatWasNotReadAtTheEnd() {
        Bench.ServerSet servers = wsServerAndStore();
        Result result = Result.start("ims", "fanout", "t", "now");

        Common.jvmMetrics(servers,
                Map.of(10L, new JvmCounters.Times(1_000_000, 200_000), 20L, new JvmCounters.Times(5, 5)),
                Map.of(10L, new JvmCounters.Times(1_750_000, 260_000)), result);

        assertThat(result.metrics()).containsOnly(
                org.assertj.core.api.Assertions.entry("jit ms ws8080", 750.0),
                org.assertj.core.api.Assertions.entry("gc ms ws8080", 60.0));
    }

    @Test
    void aStepsCostIsEveryReadableServersCpuPerMessageAndTheJvmsCompileTimeSummed() {
        Map<Long, CpuTime> before = Map.of(10L, new CpuTime(1_000_000, 0), 20L, new CpuTime(0, 0), 30L, CpuTime.UNKNOWN);
        Map<Long, CpuTime> after = Map.of(10L, new CpuTime(1_600_000, 0), 20L, new CpuTime(400_000, 0),
                30L, new CpuTime(9_000_000, 0));
        Map<Long, JvmCounters.Times> jvmBefore = Map.of(10L, new JvmCounters.Times(0, 0), 20L, new JvmCounters.Times(0, 0));
        Map<Long, JvmCounters.Times> jvmAfter = Map.of(10L, new JvmCounters.Times(250_000, 9), 20L,
                new JvmCounters.Times(1_250_000, 9));

        assertThat(Common.stepCost(before, after, jvmBefore, jvmAfter, 1_000)).isEqualTo(new Common.StepCost(1_000.0, 1_500.0));
        assertThat(Common.stepCost(before, after, jvmBefore, jvmAfter, 0).cpuMicrosPerMessage()).isNaN();
    }

    /** pid 10 the WebSocket server on 8080, pid 20 the store. */
    private static Bench.ServerSet wsServerAndStore() {
        Map<Long, String> pids = new LinkedHashMap<>();
        pids.put(10L, "ws:8080");
        pids.put(20L, "store");
        return new Bench.ServerSet(pids, List.of());
    }
}
