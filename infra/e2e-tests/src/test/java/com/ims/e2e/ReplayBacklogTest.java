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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user back after a long absence, on a slow link: the backlog is many times what the gateway queues per connection
 * (1 MiB) and than loopback's socket buffers hold, so it only arrives whole if the replay waits for the client.
 */
class ReplayBacklogTest {

    private static final int BACKLOG = 2_000;
    /** 8 KB frames: 16 MB of backlog. */
    private static final String PAD = "x".repeat(8_000);

    /** On both WebSocket servers: Tomcat's blocking writes and Netty's channel buffer, which stops the drain when full. */
    @ParameterizedTest(name = "IMS_WS_SERVER={0}")
    @ValueSource(strings = {"tomcat", "netty"})
    void aSlowClientGetsABacklogFarPastItsQueueLimitWholeInOrderThenLiveMessagesWithoutBeingClosed(String server)
            throws Exception {
        try (Platform platform = Platform.create(Map.of("IMS_WS_SERVER", server))) {
            platform.startCore();
            int port = platform.startGateway("gw-b");
            List<String> expected = new ArrayList<>();
            try (KafkaProducer<String, byte[]> producer = platform.producer()) {
                for (int i = 0; i < BACKLOG; i++) {
                    String id = "b-" + String.format("%04d", i);
                    expected.add(id);
                    producer.send(record(id, "{\"i\":" + i + ",\"pad\":\"" + PAD + "\"}"));
                }
                producer.flush();
                // Stored while grace was offline: deliveries without a redelivery timer, reachable by replay only.
                await().atMost(Duration.ofSeconds(60)).until(() -> platform.status("acme", expected.getLast()).startsWith("200"));

                try (WsClient grace = WsClient.connect(port, Platform.userToken("grace", "acme"), true, 1)) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> !grace.shownIds().isEmpty());
                    producer.send(record("z-live", "{\"live\":true}"));
                    producer.flush();
                    expected.add("z-live");

                    await().atMost(Duration.ofSeconds(90)).until(() -> grace.shownIds().size() >= expected.size()
                            || grace.closed().isDone());
                    assertThat(grace.closed()).as("never closed (4010 was the old outcome)").isNotDone();
                    assertThat(grace.shownIds()).as("the backlog in order, then the live message, each once")
                            .containsExactlyElementsOf(expected);
                    assertThat(grace.deliveries()).as("no frame twice").isEqualTo(expected.size());
                }
            }
        }
    }

    private static ProducerRecord<String, byte[]> record(String id, String payload) {
        String json = "{\"targetType\":\"user\",\"target\":\"grace\",\"tenant\":\"acme\",\"id\":\"" + id
                + "\",\"payload\":" + payload + "}";
        return new ProducerRecord<>(Topics.NOTIFICATIONS, "acme", json.getBytes(StandardCharsets.UTF_8));
    }
}
