package com.ims.loadgen;

import com.ims.loadgen.metrics.LatencyBook;
import com.ims.loadgen.metrics.MessageTracker;
import com.ims.loadgen.publish.Publisher;
import com.ims.loadgen.server.ListeningPids;
import com.ims.loadgen.server.JvmCounters;
import com.ims.loadgen.server.ServerProbe;
import com.ims.loadgen.ws.Backoff;
import com.ims.loadgen.ws.Fleet;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/** Everything a scenario needs from the command line: the target, the fleet's shape, the publisher, the server pids. */
public final class Bench {

    public static final Set<String> VALUE_OPTIONS = Set.of(
            "target", "url", "publish-url", "publish-via", "kafka-bootstrap", "kafka-linger", "connections", "user-prefix", "tenant", "role", "label",
            "source-addrs", "conns-per-addr", "io-threads", "handshake-concurrency",
            "connect-timeout", "ramp-timeout", "min-delay", "max-delay", "prompt-jitter", "ack-interval",
            "server-pid", "server-port", "json", "progress", "payload-bytes", "max-inflight", "publish-connections",
            "hold", "settle", "warmup", "warmup-rate", "rate", "duration", "drain", "rates", "step", "step-pause",
            "restart-cmd", "kill-pid", "gc-url", "publish-before", "publish-for", "publish-after-drop", "timeout", "out");
    public static final Set<String> FLAGS = Set.of("no-ack", "no-gc", "transient", "help");

    public final Args args;
    public final Target target;
    public final String runId;
    public final String userPrefix;
    public final String role;
    public final String tenant;
    public final int connections;
    public final Duration progressEvery;
    private final String secret;

    public Bench(Args args) {
        this.args = args;
        this.target = Target.of(args.string("target", "ims"));
        this.runId = Long.toString(System.currentTimeMillis() / 1000 % 100_000_000L, 36);
        this.userPrefix = args.string("user-prefix", "lg-" + runId + "-");
        this.role = args.string("role", "bench-" + runId);
        this.tenant = args.string("tenant", null);
        this.connections = args.integer("connections", 1000);
        this.progressEvery = args.duration("progress", Duration.ofSeconds(2));
        String env = System.getenv("IMS_JWT_SECRET");
        this.secret = env == null || env.isBlank() ? JwtSettings.DEV_SECRET : env;
    }

    public String userId(int index) {
        return userPrefix + index;
    }

    /** A user token: {@code sub}, {@code roles} = [role], optional tenant; valid for 12 h so a long run never sees 4003. */
    public String userToken(String userId) {
        if (!target.authenticated) {
            return "";
        }
        return DevTokens.mint(secret, userId, List.of(role), tenant, null, Duration.ofHours(12));
    }

    public String publisherToken() {
        return target.authenticated
                ? DevTokens.mint(secret, "loadgen", null, tenant, "ims:publish", Duration.ofHours(12))
                : null;
    }

    public Fleet newFleet(LatencyBook latency, MessageTracker tracker) {
        long maxFiles = openFileLimit();
        if (maxFiles > 0 && connections > maxFiles - 200) {
            throw new IllegalArgumentException(connections + " connections need more open files than this process may have ("
                    + maxFiles + "): run several load generators, each with its own --user-prefix and --source-addrs");
        }
        int perAddr = args.integer("conns-per-addr", 20_000);
        List<InetAddress> sources;
        if (args.has("source-addrs")) {
            sources = new ArrayList<>();
            for (String a : args.string("source-addrs", "").split(",")) {
                try {
                    sources.add(InetAddress.getByName(a.trim()));
                } catch (java.net.UnknownHostException e) {
                    throw new IllegalArgumentException("--source-addrs: bad address " + a);
                }
            }
        } else {
            sources = Fleet.defaultSources(connections, perAddr);
        }
        Backoff backoff = new Backoff(args.integer("min-delay", 1000), args.integer("max-delay", 30_000),
                args.integer("prompt-jitter", 1000));
        Fleet.Config config = new Fleet.Config(target.wire(), URI.create(args.string("url", target.defaultUrl)),
                connections, this::userId, this::userToken, sources, perAddr,
                args.integer("io-threads", 2),
                args.integer("handshake-concurrency", 200), args.duration("connect-timeout", Duration.ofSeconds(30)),
                backoff, args.duration("ack-interval", Duration.ofMillis(100)),
                target.authenticated && !args.flag("no-ack"));
        return new Fleet(config, latency, tracker);
    }

    /**
     * {@code --publish-via http} (default): the producer API; {@code kafka} (IMS only): records on ims.notifications.
     * {@code --publish-connections} (32): each keep-alive connection carries one request at a time, and IMS answers once
     * Kafka acknowledged the record (the producer's linger plus a broker round trip, 6–8 ms here), so 8 connections
     * capped it near 1,100 requests/s. {@code --kafka-linger} (5 ms, Kafka's own default since 4.0, as a producer service
     * that sets nothing has it): the Kafka path's producer; 1 ms until 2026-12-01 made about one produce request per
     * record at 1,000/s.
     */
    public Publisher newPublisher() {
        if (publishesViaKafka()) {
            return Publisher.kafka(args.string("kafka-bootstrap", "127.0.0.1:9092"), tenant == null ? "default" : tenant,
                    args.integer("max-inflight", 512), (int) args.duration("kafka-linger", Duration.ofMillis(5)).toMillis());
        }
        return new Publisher(URI.create(args.string("publish-url", target.defaultPublishUrl)), publisherToken(),
                args.integer("publish-connections", 32), args.integer("max-inflight", 512));
    }

    public boolean publishesViaKafka() {
        String via = args.string("publish-via", "http");
        if (!via.equals("http") && !via.equals("kafka")) {
            throw new IllegalArgumentException("--publish-via must be http or kafka, not " + via);
        }
        if (via.equals("kafka") && target != Target.IMS) {
            throw new IllegalArgumentException("--publish-via kafka needs --target ims (the peers have no Kafka)");
        }
        return via.equals("kafka");
    }

    /** A producer request; the payload is padded to about {@code --payload-bytes}. */
    public String requestBody(String targetType, String targetId, String scenario, long seq) {
        int pad = Math.max(0, args.integer("payload-bytes", 64) - 40);
        StringBuilder sb = new StringBuilder(128 + pad).append("{\"targetType\":\"").append(targetType).append('"');
        if (targetId != null) {
            sb.append(",\"target\":\"").append(targetId).append('"');
        }
        if (tenant != null) {
            sb.append(",\"tenant\":\"").append(tenant).append('"');
        }
        if (args.flag("transient")) {
            sb.append(",\"persistent\":false");
        }
        return sb.append(",\"type\":\"notification\",\"payload\":{\"bench\":\"").append(scenario)
                .append("\",\"seq\":").append(seq).append(",\"pad\":\"").append("x".repeat(pad)).append("\"}}")
                .toString();
    }

    public int randomUser() {
        return ThreadLocalRandom.current().nextInt(connections);
    }

    /** The server processes: {@code --server-pid a,b} or the listeners of {@code --server-port} (default per target). */
    public ServerSet servers() {
        Map<Long, String> pids = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        if (args.has("server-pid")) {
            for (String p : args.string("server-pid", "").split(",")) {
                long pid = Long.parseLong(p.trim());
                pids.put(pid, "pid " + pid);
            }
        } else {
            for (String p : args.string("server-port", target.defaultServerPorts).split(",")) {
                int port = Integer.parseInt(p.trim());
                OptionalLong pid = ListeningPids.pidListeningOn(port);
                if (pid.isPresent()) {
                    pids.merge(pid.getAsLong(), ":" + port, (a, b) -> a + "," + b);
                } else {
                    missing.add(":" + port);
                }
            }
        }
        return new ServerSet(pids, missing);
    }

    /** The soft "Max open files" of this process from /proc/self/limits, -1 if unknown. */
    static long openFileLimit() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    public static String now() {
        return Instant.now().toString();
    }

    /** Server processes measured by a scenario; the first is the one serving the WebSockets. */
    public record ServerSet(Map<Long, String> pids, List<String> missing) {

        public long primary() {
            return pids.isEmpty() ? -1 : pids.keySet().iterator().next();
        }

        public Map<Long, ServerProbe.CpuTime> cpuTimes() {
            Map<Long, ServerProbe.CpuTime> out = new LinkedHashMap<>();
            for (long pid : pids.keySet()) {
                out.put(pid, ServerProbe.cpuTime(pid));
            }
            return out;
        }

        /** Each JVM's compile and GC time so far (the ones that are not JVMs are left out). */
        public Map<Long, JvmCounters.Times> jvmTimes() {
            Map<Long, JvmCounters.Times> out = new LinkedHashMap<>();
            for (long pid : pids.keySet()) {
                JvmCounters.Times t = JvmCounters.times(pid);
                if (t.known()) {
                    out.put(pid, t);
                }
            }
            return out;
        }

        public String describe() {
            Set<String> parts = new LinkedHashSet<>();
            for (Map.Entry<Long, String> e : pids.entrySet()) {
                parts.add(e.getKey() + "(" + e.getValue() + ")");
            }
            if (!missing.isEmpty()) {
                parts.add("not listening: " + String.join(",", missing));
            }
            return String.join(" ", parts);
        }

        public String shortName(long pid) {
            return String.format(Locale.ROOT, "%s", pids.get(pid)).replace(":", "").replace(",", "+");
        }
    }
}
