package com.ims.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two gateway processes beside one platform: pushes are routed to whichever gateway presence names, a user counts offline
 * after disconnecting and after its gateway died, and a gateway killed mid-stream loses no durable message.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiGatewayTest {

    private static Platform platform;

    @BeforeAll
    static void start() {
        platform = Platform.create(Map.of(
                "IMS_GATEWAY_LEASE", "3s",
                "IMS_REDELIVERY_AFTER", "3s",
                "IMS_HEARTBEAT_INTERVAL", "2s",
                "IMS_HEARTBEAT_TIMEOUT", "2s"));
        platform.startCore();
        platform.startGateway("gw-a");
        platform.startGateway("gw-b");
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void aSecondGatewayReceivesRoutedPushesWhilePresenceNamesIt() throws Exception {
        try (WsClient bob = WsClient.connect(platform.gatewayPort("gw-b"), Platform.userToken("bob", "acme"), true)) {
            await().atMost(Duration.ofSeconds(10)).until(bob::isConnected);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(platform.presence("acme", "bob")).startsWith("200").contains("\"online\":true").contains("gw-b"));

            assertThat(platform.send("acme", "{\"targetType\":\"user\",\"target\":\"bob\",\"id\":\"routed-1\",\"payload\":{\"n\":1}}"))
                    .isEqualTo(202);
            await().atMost(Duration.ofSeconds(15)).until(() -> bob.shownIds().contains("routed-1"));
        }
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(platform.presence("acme", "bob")).contains("\"online\":false"));
    }

    @Test
    @Order(2)
    void aUserOfADeadGatewayIsCountedOfflineWhenItsLeaseExpires() throws Exception {
        WsClient carol = WsClient.connect(platform.gatewayPort("gw-b"), Platform.userToken("carol", "acme"), true);
        await().atMost(Duration.ofSeconds(10)).until(carol::isConnected);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(platform.presence("acme", "carol")).contains("\"online\":true"));

        platform.kill("gw-b");

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(platform.presence("acme", "carol")).contains("\"online\":false"));
        platform.startGateway("gw-b");
    }

    @Test
    @Order(3)
    void aGatewayKilledWhileMessagesStreamLosesNoneAndTheUserGetsAllElsewhereInOrder() throws Exception {
        int total = 200;
        WsClient first = WsClient.connect(platform.gatewayPort("gw-a"), Platform.userToken("dave", "acme"), true);
        await().atMost(Duration.ofSeconds(10)).until(first::isConnected);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                assertThat(platform.presence("acme", "dave")).contains("gw-a"));

        AtomicReference<Throwable> sendFailure = new AtomicReference<>();
        Thread producer = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < total; i++) {
                    int status = platform.send("acme", "{\"targetType\":\"user\",\"target\":\"dave\",\"id\":\"s-"
                            + String.format("%03d", i) + "\",\"payload\":{\"i\":" + i + "}}");
                    if (status != 202) {
                        throw new IllegalStateException("send " + i + " answered " + status);
                    }
                }
            } catch (Throwable t) {
                sendFailure.set(t);
            }
        });

        await().atMost(Duration.ofSeconds(30)).until(() -> first.shownIds().size() >= 30);
        platform.kill("gw-a");
        List<String> beforeCrash = first.shownIds();

        try (WsClient second = WsClient.connect(platform.gatewayPort("gw-b"), Platform.userToken("dave", "acme"), true)) {
            producer.join(Duration.ofSeconds(120));
            assertThat(sendFailure.get()).isNull();
            await().atMost(Duration.ofSeconds(60)).until(() -> union(beforeCrash, second.shownIds()).size() >= total);

            List<String> shown = union(beforeCrash, second.shownIds());
            assertThat(shown).hasSize(total).doesNotHaveDuplicates();
            assertThat(shown).isSorted();
        }
        platform.startGateway("gw-a");
    }

    @Test
    @Order(4)
    void theSeedRecordProducedByAnIndependentKafkaClientReachesTheUser() throws Exception {
        Assumptions.assumeTrue(commandExists("kcat"), "kcat is not installed (.ci/run installs it): Kafka ingress via kcat not tested");
        try (WsClient gina = WsClient.connect(platform.gatewayPort("gw-b"), Platform.userToken("gina", "default"), true)) {
            await().atMost(Duration.ofSeconds(10)).until(gina::isConnected);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(platform.presence("default", "gina")).contains("\"online\":true"));
            // Exactly the seed format: no id, no tenant, no type.
            Process kcat = new ProcessBuilder("kcat", "-P", "-b", platform.kafkaBootstrap(), "-t", "ims.notifications", "-k", "default")
                    .redirectErrorStream(true).start();
            kcat.getOutputStream().write("{\"targetType\":\"user\",\"target\":\"gina\",\"payload\":{\"text\":\"from kcat\"}}\n"
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            kcat.getOutputStream().close();
            assertThat(kcat.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(kcat.exitValue()).isZero();

            await().atMost(Duration.ofSeconds(15)).until(() -> gina.frames.stream().anyMatch(f ->
                    "notification".equals(f.path("type").asString()) && "from kcat".equals(f.path("payload").path("text").asString())));
        }
    }

    private static boolean commandExists(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** What a user sees across two connections with the SDK's memory of ids: first sightings, in order. */
    private static List<String> union(List<String> before, List<String> after) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(before);
        all.addAll(after);
        return List.copyOf(all);
    }
}
