package com.ims.loadgen.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.loadgen.metrics.LatencySummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportsTest {

    @Test
    void summaryReportsPercentilesInMilliseconds() {
        Histogram h = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            h.recordValue(i * 1000L); // 1..1000 ms
        }
        LatencySummary s = LatencySummary.of(h);
        assertThat(s.count()).isEqualTo(1000);
        assertThat(s.p50Ms()).isBetween(499.0, 501.0);
        assertThat(s.p99Ms()).isBetween(989.0, 991.0);
        assertThat(s.maxMs()).isBetween(999.0, 1001.0);
        assertThat(s.oneLine()).startsWith("p50 500").contains("(n=1000)");
        assertThat(LatencySummary.of(new Histogram(3))).isEqualTo(LatencySummary.EMPTY);
    }

    @Test
    void tablePrintsParamsMetricsLatencyStepsAndNotes() {
        Result r = Result.start("peer-ws", "unicast", "", "2026-11-29T00:00:00Z")
                .param("connections", 1000).metric("lost", 0L).metric("rss per connection KB", 7.04)
                .note("something odd");
        r.steps().add(Map.of("rate", 100.0));
        String table = Reports.table(r.withLatency(new LatencySummary(10, 1, 2, 3, 4, 5, 1.5)));
        assertThat(table).contains("== unicast @ peer-ws").contains("connections").contains("1000")
                .contains("rss per connection KB  7.04").contains("p99 3.0").contains("note: something odd")
                .contains("100");
    }

    @Test
    void jsonRoundTripsAndMarkdownPutsSystemsSideBySide(@TempDir Path dir) throws Exception {
        Result ims = Result.start("ims", "idle", "", "t").metric("rss per connection KB", 5.5);
        Result peer = Result.start("peer-ws", "idle", "", "t").metric("rss per connection KB", 7.0);
        Reports.writeJson(ims, dir.resolve("ims.json"));
        Reports.writeJson(peer, dir.resolve("peer.json"));
        assertThat(Files.readString(dir.resolve("ims.json"))).contains("\"scenario\" : \"idle\"");

        String md = Reports.markdown(List.of(Reports.readJson(dir.resolve("ims.json")), Reports.readJson(dir.resolve("peer.json"))));
        assertThat(md).contains("### idle").contains("| metric | ims | peer-ws |").contains("| rss per connection KB | 5.50 | 7.00 |");
    }
}
