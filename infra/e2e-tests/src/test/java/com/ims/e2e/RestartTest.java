package com.ims.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Services killed or the whole platform restarted: nothing durable is lost, nothing is shown twice.
 */
class RestartTest {

    @Test
    void notificationServiceKilledMidStreamLosesNothing() throws Exception {
        try (Platform platform = Platform.create(Map.of("IMS_REDELIVERY_AFTER", "3s", "IMS_GATEWAY_LEASE", "3s"))) {
            platform.startCore();
            int port = platform.startGateway("gw-r");
            int total = 200;
            try (WsClient erin = WsClient.connect(port, Platform.userToken("erin", "acme"), true);
                 KafkaProducer<String, byte[]> producer = platform.producer()) {
                await().atMost(Duration.ofSeconds(10)).until(erin::isConnected);
                for (int i = 0; i < total; i++) {
                    String record = "{\"targetType\":\"user\",\"target\":\"erin\",\"tenant\":\"acme\",\"id\":\"k-"
                            + String.format("%03d", i) + "\",\"payload\":{\"i\":" + i + "}}";
                    producer.send(new ProducerRecord<>(Topics.NOTIFICATIONS, "acme", record.getBytes(StandardCharsets.UTF_8)));
                    if (i == 60) {
                        producer.flush();
                        await().atMost(Duration.ofSeconds(30)).until(() -> erin.shownIds().size() >= 10);
                        platform.kill("notification");
                    }
                }
                producer.flush();
                platform.startNotification();

                await().atMost(Duration.ofSeconds(90)).until(() -> erin.shownIds().size() >= total);
                assertThat(erin.shownIds()).hasSize(total).doesNotHaveDuplicates().isSorted();
            }
        }
    }

    @Test
    void undeliveredMessagesSurviveAWholePlatformRestartOnTheSameDataDirectory() throws Exception {
        Platform platform = Platform.create(Map.of());
        List<String> sent = new ArrayList<>();
        try {
            platform.startCore();
            platform.startGateway("gw-s");
            for (int i = 0; i < 20; i++) {
                String id = "p-" + String.format("%02d", i);
                assertThat(platform.send("acme", "{\"targetType\":\"user\",\"target\":\"frank\",\"id\":\"" + id
                        + "\",\"payload\":{\"i\":" + i + "}}")).isEqualTo(202);
                sent.add(id);
            }
            // Stored before the stop: the status API knows the last message.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(platform.status("acme", "p-19")).startsWith("200"));
            platform.stopAll();

            platform.startCore();
            int port = platform.startGateway("gw-s");
            try (WsClient frank = WsClient.connect(port, Platform.userToken("frank", "acme"), true)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> frank.shownIds().size() >= sent.size());
                assertThat(frank.shownIds()).containsExactlyElementsOf(sent);
            }
        } finally {
            platform.close();
        }
    }
}
