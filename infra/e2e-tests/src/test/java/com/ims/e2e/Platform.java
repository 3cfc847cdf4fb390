package com.ims.e2e;

import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * The whole platform as separate processes, started from the jars the build produced: the dev platform (Kafka broker and
 * Mongo-wire store), presence-service, notification-service and any number of push-gateways. Each process can be stopped
 * gracefully, killed with SIGKILL, or started again on the same data directory.
 */
final class Platform implements AutoCloseable {

    static final Path ROOT = Path.of(System.getProperty("ims.root", "../..")).toAbsolutePath().normalize();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path dataDir;
    final int kafkaPort = freePort();
    final int controllerPort = freePort();
    final int mongoPort = freePort();
    final int notificationPort = freePort();
    final int presencePort = freePort();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Integer> gatewayPorts = new LinkedHashMap<>();
    private final Map<String, String> extraEnv;

    Platform(Path dataDir, Map<String, String> extraEnv) {
        this.dataDir = dataDir;
        this.extraEnv = extraEnv;
    }

    static Platform create(Map<String, String> extraEnv) {
        try {
            return new Platform(Files.createTempDirectory("ims-e2e"), extraEnv);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Broker, store, presence and notification services; gateways are started by name. */
    Platform startCore() {
        startInfra();
        startPresence();
        startNotification();
        return this;
    }

    void startInfra() {
        Process p = launch("dev-platform", jar("infra/dev-platform", "dev-platform-exec.jar"), "-Xmx512m");
        processes.put("dev-platform", p);
        Awaitility.await("dev platform READY").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(log("dev-platform")) && Files.readString(log("dev-platform")).contains("READY"));
    }

    void startPresence() {
        processes.put("presence", launch("presence", jar("presence-service", "presence-service.jar"), "-Xmx256m"));
        awaitHealthy("presence", presencePort);
    }

    void startNotification() {
        processes.put("notification", launch("notification", jar("notification-service", "notification-service.jar"), "-Xmx512m"));
        awaitHealthy("notification", notificationPort);
    }

    /** Starts (or restarts with the same id and port) the gateway {@code id}. */
    int startGateway(String id) {
        int port = gatewayPorts.computeIfAbsent(id, k -> freePort());
        processes.put(id, launch(id, jar("push-gateway", "push-gateway.jar"), "-Xmx384m", "IMS_GATEWAY_ID", id,
                "IMS_GATEWAY_PORT", String.valueOf(port)));
        awaitHealthy(id, port);
        return port;
    }

    int gatewayPort(String id) {
        return gatewayPorts.get(id);
    }

    /** SIGKILL: no drain, no STOPPED event, no flush. */
    void kill(String name) throws InterruptedException {
        Process p = processes.remove(name);
        p.destroyForcibly();
        p.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM and wait: the graceful path. */
    void stop(String name) throws InterruptedException {
        Process p = processes.remove(name);
        if (p == null) {
            return;
        }
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
    }

    void stopAll() throws InterruptedException {
        List<String> names = List.copyOf(processes.keySet()).reversed();
        for (String name : names) {
            if (!name.equals("dev-platform")) {
                stop(name);
            }
        }
        stop("dev-platform");
    }

    @Override
    public void close() throws InterruptedException {
        stopAll();
    }

    /** A producer of raw records for {@code ims.notifications}, as a producer service would run one (idempotent). */
    KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true),
                new StringSerializer(), new ByteArraySerializer());
    }

    String kafkaBootstrap() {
        return "localhost:" + kafkaPort;
    }

    static String userToken(String user, String tenant, String... roles) {
        return DevTokens.mint(JwtSettings.DEV_SECRET, user, List.of(roles), tenant, null, Duration.ofHours(1));
    }

    static String serviceToken(String tenant) {
        return DevTokens.mint(JwtSettings.DEV_SECRET, "e2e-producer", List.of(), tenant, "ims:publish ims:admin",
                Duration.ofHours(1));
    }

    /** POST /api/v1/notifications; returns the HTTP status. */
    int send(String tenant, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + notificationPort + "/api/v1/notifications"))
                .header("Authorization", "Bearer " + serviceToken(tenant))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(10))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    String presence(String tenant, String user) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + presencePort + "/api/v1/presence/" + user))
                .header("Authorization", "Bearer " + serviceToken(tenant))
                .timeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    /** GET /api/v1/notifications/{id}: status code and body. */
    String status(String tenant, String id) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + notificationPort + "/api/v1/notifications/" + id))
                .header("Authorization", "Bearer " + serviceToken(tenant))
                .timeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return response.statusCode() + " " + response.body();
    }

    private Process launch(String name, Path jar, String heap, String... env) {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
        Map<String, String> e = pb.environment();
        e.put("IMS_DEV_MODE", "true");
        e.put("IMS_DATA_DIR", dataDir.toString());
        e.put("IMS_KAFKA_PORT", String.valueOf(kafkaPort));
        e.put("IMS_KAFKA_CONTROLLER_PORT", String.valueOf(controllerPort));
        e.put("IMS_MONGO_PORT", String.valueOf(mongoPort));
        e.put("IMS_KAFKA_BOOTSTRAP", kafkaBootstrap());
        e.put("IMS_MONGO_URI", "mongodb://127.0.0.1:" + mongoPort + "/ims");
        e.put("IMS_NOTIFICATION_PORT", String.valueOf(notificationPort));
        e.put("IMS_PRESENCE_PORT", String.valueOf(presencePort));
        e.putAll(extraEnv);
        for (int i = 0; i + 1 < env.length; i += 2) {
            e.put(env[i], env[i + 1]);
        }
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()));
        try {
            return pb.start();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    Path log(String name) {
        return dataDir.resolve(name + ".log");
    }

    private void awaitHealthy(String name, int port) {
        Awaitility.await(name + " healthy (log: " + log(name) + ")").atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(300)).ignoreExceptions()
                .until(() -> {
                    Process p = processes.get(name);
                    if (p != null && !p.isAlive()) {
                        throw new AssertionError(name + " exited: " + tail(log(name)));
                    }
                    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://localhost:" + port + "/actuator/health")).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 200 && r.body().contains("\"UP\"");
                });
    }

    static String tail(Path file) {
        try {
            String s = Files.readString(file);
            return s.substring(Math.max(0, s.length() - 4000));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** A jar the build made under {@code <moduleDir>/target}, or the one in {@code -Dims.jars=<dir>} (a snapshot). */
    private static Path jar(String moduleDir, String fileName) {
        String dir = System.getProperty("ims.jars");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).resolve(fileName);
        }
        return ROOT.resolve(moduleDir).resolve("target").resolve(fileName);
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
