package com.ims.gateway.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.ims.devplatform.EmbeddedKafka;
import com.ims.devplatform.TestPlatform;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;

/**
 * Measures the idle memory per WebSocket connection of a gateway jar: starts a Kafka broker in this JVM, the gateway as a
 * fresh process, opens N idle connections with the JDK WebSocket client (one HttpClient for all sockets), then reads the
 * gateway's RSS ({@code /proc/<pid>/status}) and its heap after a full GC ({@code jcmd GC.run}, {@code GC.heap_info})
 * before and after, and prints the deltas divided by N. Not a unit test: run it by hand (docs/services/push-gateway.md).
 *
 * <pre>
 * ulimit -n 20000
 * java -cp "$(cat target/bench.classpath):target/test-classes:target/classes" \
 *     com.ims.gateway.bench.IdleConnectionBench target/push-gateway.jar 10000 [label]
 * </pre>
 */
public final class IdleConnectionBench {

    /**
     * The gateway's JVM flags: {@code BENCH_GATEWAY_JAVA_OPTS} (space-separated) when set, else the flags of the first
     * container comparison, so that only the container differs.
     */
    static final List<String> GATEWAY_JVM = System.getenv().containsKey("BENCH_GATEWAY_JAVA_OPTS")
            ? List.of(System.getenv("BENCH_GATEWAY_JAVA_OPTS").trim().split("\\s+"))
            : List.of("-Xms256m", "-Xmx2g", "-XX:+UseG1GC");
    static final int OPEN_IN_FLIGHT = 200;
    /** Whole delivery messages received by all bench clients (for BENCH_FANOUT). */
    static final java.util.concurrent.atomic.AtomicLong DELIVERED = new java.util.concurrent.atomic.AtomicLong();

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(args[0]);
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        String label = args.length > 2 ? args[2] : jar.getFileName().toString();
        Path dir = Files.createTempDirectory("ims-bench");
        EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), TestPlatform.freePort(), TestPlatform.freePort());
        int port = TestPlatform.freePort();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(GATEWAY_JVM);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("gateway.log").toFile());
        builder.environment().put("IMS_DEV_MODE", "true");
        builder.environment().put("IMS_GATEWAY_PORT", String.valueOf(port));
        builder.environment().put("IMS_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        builder.environment().put("IMS_GATEWAY_ID", "bench-" + port);
        // No per-user cap in the way: every connection is a different user anyway.
        Process gateway = builder.start();
        long pid = gateway.pid();
        System.out.printf("[%s] gateway pid=%d flags=%s log=%s%n", label, pid, GATEWAY_JVM, dir.resolve("gateway.log"));
        try {
            awaitHealthy(port);
            Thread.sleep(3000);
            // BENCH_WARMUP=n: open and drop n connections first, so that the one-time costs of the first WebSocket
            // (classes, JIT-compiled code, the worker threads the handshake burst starts) fall before the baseline and
            // the deltas are the marginal cost of one more idle connection. 0 (default): a fresh process, as in FACTS.md.
            int warmup = Integer.parseInt(System.getenv().getOrDefault("BENCH_WARMUP", "0"));
            if (warmup > 0) {
                HttpClient warmHttp = HttpClient.newHttpClient();
                open(warmHttp, port, warmup).forEach(WebSocket::abort);
                Thread.sleep(5000);
            }
            Sample before = sample(pid);
            System.out.printf("[%s] baseline rss=%.1f MB heapLive=%.1f MB%n", label, before.rssKb / 1024.0,
                    before.heapUsedKb / 1024.0);

            HttpClient http = HttpClient.newHttpClient();
            List<WebSocket> sockets = open(http, port, connections);
            // BENCH_SETTLE_SECONDS: with IMS_HEARTBEAT_INTERVAL shorter than this (the gateway inherits IMS_* variables),
            // every connection has had a ping and answered a pong before the sample, as a long-lived idle one has.
            Thread.sleep(1000L * Long.parseLong(System.getenv().getOrDefault("BENCH_SETTLE_SECONDS", "5")));
            Sample after = sample(pid);
            int n = sockets.size();
            System.out.printf("[%s] %d connections rss=%.1f MB heapLive=%.1f MB%n", label, n,
                    after.rssKb / 1024.0, after.heapUsedKb / 1024.0);
            System.out.printf("[%s] gateway reports %s%n", label, openConnections(port));
            System.out.printf("[%s] per connection: rss delta %.2f KB, live heap %.2f KB%n", label,
                    (after.rssKb - before.rssKb) / (double) n, (after.heapUsedKb - before.heapUsedKb) / (double) n);
            // Where it goes: live objects per class and (with -XX:NativeMemoryTracking=summary) native areas, per connection.
            System.out.println(histogramDiff(before.histogram, after.histogram, n, 25));
            if (before.nativeMemory != null) {
                System.out.println(nativeDiff(before.nativeMemory, after.nativeMemory, n));
            }
            // BENCH_FANOUT=m: after the memory sample, m PUSH records to every connection (allOfTenant), twice (the first
            // round warms the JIT), and the gateway's CPU time (utime + stime) of the second round per delivered message.
            int fanout = Integer.parseInt(System.getenv().getOrDefault("BENCH_FANOUT", "0"));
            if (fanout > 0) {
                fanout(kafka, "bench-" + port, pid, n, fanout, label, "warm-up");
                fanout(kafka, "bench-" + port, pid, n, fanout, label, "measured");
            }
            // BENCH_HOLD_SECONDS keeps the connections open for a look with jcmd (GC.class_histogram).
            long hold = Long.parseLong(System.getenv().getOrDefault("BENCH_HOLD_SECONDS", "0"));
            if (hold > 0) {
                System.out.printf("[%s] holding %d s, gateway pid=%d%n", label, hold, pid);
                Thread.sleep(hold * 1000);
            }
            sockets.forEach(WebSocket::abort);
        } finally {
            gateway.destroy();
            gateway.waitFor(20, TimeUnit.SECONDS);
            gateway.destroyForcibly();
            kafka.close();
        }
        System.exit(0);
    }

    /** Sends {@code m} fan-out records to all {@code n} connections and prints the gateway's CPU per delivery. */
    static void fanout(EmbeddedKafka kafka, String gatewayId, long pid, int n, int m, String label, String round)
            throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", kafka.bootstrapServers());
        props.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        // A notification frame of a typical size (~420 bytes of UTF-8).
        String frame = "{\"type\":\"notification\",\"id\":\"01JBENCH0000000000000000\",\"payload\":{\"title\":\"Invoice 4711 approved\","
                + "\"body\":\"" + "x".repeat(300) + "\",\"category\":\"billing\"}}";
        String json = "{\"kind\":\"PUSH\",\"tenant\":\"bench\",\"userIds\":[],\"allOfTenant\":true,\"persistent\":false,"
                + "\"expiresAt\":0,\"frame\":" + tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(frame)
                + "}";
        long target = DELIVERED.get() + (long) n * m;
        long cpuBefore = cpuTicks(pid);
        long start = System.nanoTime();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(props)) {
            for (int i = 0; i < m; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>("ims.gateway." + gatewayId, gatewayId,
                        json));
                producer.flush();
                Thread.sleep(1000);
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (DELIVERED.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        long cpu = cpuTicks(pid) - cpuBefore;
        long got = DELIVERED.get() - (target - (long) n * m);
        double ticksPerSecond = 100.0;
        System.out.printf("[%s] fan-out %s: %d of %d delivered in %.1f s, gateway CPU %.2f s = %.1f us per delivery%n",
                label, round, got, (long) n * m, (System.nanoTime() - start) / 1e9, cpu / ticksPerSecond,
                cpu / ticksPerSecond * 1e6 / Math.max(1, got));
    }

    /** utime + stime of a process in clock ticks (USER_HZ, 100 on Linux). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The gateway's own count of open connections (a container timeout that closed sockets shows here). */
    static String openConnections(int port) {
        try {
            String body = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://localhost:" + port + "/actuator/prometheus")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return body.lines().filter(l -> l.startsWith("ims_gateway_connections ")).findFirst().orElse("no gauge");
        } catch (Exception e) {
            return "unknown (" + e + ")";
        }
    }

    /** RSS and live heap (the class histogram's total, after the full GC it forces) in KB; histogram and NMT text. */
    record Sample(long rssKb, long heapUsedKb, String histogram, String nativeMemory) {
    }

    static List<WebSocket> open(HttpClient http, int port, int n) throws InterruptedException {
        List<WebSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>(n));
        CountDownLatch connected = new CountDownLatch(n);
        AtomicInteger failures = new AtomicInteger();
        java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(OPEN_IN_FLIGHT);
        long start = System.nanoTime();
        for (int i = 0; i < n; i++) {
            inFlight.acquire();
            String token = DevTokens.mint(JwtSettings.DEV_SECRET, "bench-user-" + i, List.of(), "bench", null,
                    Duration.ofHours(2));
            http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?token=" + token), new Idle(connected, inFlight))
                    .whenComplete((ws, error) -> {
                        if (error != null) {
                            failures.incrementAndGet();
                            inFlight.release();
                            connected.countDown();
                        } else {
                            sockets.add(ws);
                        }
                    });
        }
        if (!connected.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("not all connections got 'connected'");
        }
        System.out.printf("opened %d connections in %.1f s, failures=%d%n", sockets.size(),
                (System.nanoTime() - start) / 1e9, failures.get());
        return sockets;
    }

    /** Counts the 'connected' frame, answers pings, otherwise idle. */
    static final class Idle implements WebSocket.Listener {
        private final CountDownLatch connected;
        private final java.util.concurrent.Semaphore inFlight;
        private boolean seen;

        Idle(CountDownLatch connected, java.util.concurrent.Semaphore inFlight) {
            this.connected = connected;
            this.inFlight = inFlight;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            String text = data.toString();
            if (!seen && text.contains("\"connected\"")) {
                seen = true;
                inFlight.release();
                connected.countDown();
            } else if (text.contains("\"ping\"")) {
                ws.sendText("{\"type\":\"pong\",\"payload\":{}}", true);
            } else if (seen && last) {
                DELIVERED.incrementAndGet();
            }
            ws.request(1);
            return null;
        }
    }

    static void awaitHealthy(int port) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not up yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("gateway did not become healthy");
    }

    static Sample sample(long pid) throws Exception {
        String jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd").toString();
        run(jcmd, String.valueOf(pid), "GC.run");
        Thread.sleep(1000);
        run(jcmd, String.valueOf(pid), "GC.run");
        Thread.sleep(1000);
        // The histogram forces a full GC and counts live objects: the same measure under every collector (G1's and
        // Serial's GC.heap_info print "used" differently).
        String histogram = run(jcmd, String.valueOf(pid), "GC.class_histogram");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^Total\\s+\\d+\\s+(\\d+)").matcher(histogram);
        long live = m.find() ? Long.parseLong(m.group(1)) / 1024 : -1;
        String nmt = run(jcmd, String.valueOf(pid), "VM.native_memory", "summary");
        long rss = -1;
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return new Sample(rss, live, histogram, nmt.contains("Total: reserved") ? nmt : null);
    }

    /** Bytes per connection by class, largest growth first. */
    static String histogramDiff(String before, String after, int n, int top) {
        java.util.Map<String, long[]> a = histogramRows(before);
        java.util.Map<String, long[]> b = histogramRows(after);
        StringBuilder out = new StringBuilder(String.format("%-70s %10s %10s%n", "class (histogram after - before) / N",
                "inst/conn", "B/conn"));
        b.entrySet().stream()
                .map(e -> {
                    long[] was = a.getOrDefault(e.getKey(), new long[2]);
                    return java.util.Map.entry(e.getKey(), new double[] {(e.getValue()[0] - was[0]) / (double) n,
                            (e.getValue()[1] - was[1]) / (double) n});
                })
                .sorted((x, y) -> Double.compare(y.getValue()[1], x.getValue()[1]))
                .limit(top)
                .forEach(e -> out.append(String.format("%-70s %10.2f %10.1f%n", e.getKey(), e.getValue()[0],
                        e.getValue()[1])));
        return out.toString();
    }

    private static java.util.Map<String, long[]> histogramRows(String histogram) {
        java.util.Map<String, long[]> rows = new java.util.HashMap<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)")
                .matcher(histogram);
        while (m.find()) {
            rows.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                    (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
        }
        return rows;
    }

    /** Committed native memory per NMT category, per connection (KB of growth / N, in bytes). */
    static String nativeDiff(String before, String after, int n) {
        java.util.regex.Pattern row = java.util.regex.Pattern.compile("(?m)^-\\s+([A-Za-z ]+?)\\s+\\(reserved=\\d+KB, committed=(\\d+)KB");
        java.util.Map<String, Long> a = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher m = row.matcher(before);
        while (m.find()) {
            a.put(m.group(1), Long.parseLong(m.group(2)));
        }
        StringBuilder out = new StringBuilder(String.format("%-40s %12s %10s%n", "NMT category", "committed KB", "B/conn"));
        m = row.matcher(after);
        while (m.find()) {
            long delta = Long.parseLong(m.group(2)) - a.getOrDefault(m.group(1), 0L);
            if (delta != 0) {
                out.append(String.format("%-40s %12d %10.1f%n", m.group(1), delta, delta * 1024.0 / n));
            }
        }
        return out.toString();
    }

    static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor(60, TimeUnit.SECONDS);
        return out;
    }

    private IdleConnectionBench() {
    }
}
