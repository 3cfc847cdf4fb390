package com.ims.loadgen.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.devplatform.TestPlatform;
import com.ims.protocol.NotificationRequestParser;
import com.ims.protocol.RequestValidation;
import com.ims.protocol.TargetType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The Kafka producer path against a real broker: records keyed by tenant that the platform's own parser accepts. */
class KafkaPublisherTest {

    @Test
    void publishesContractRecordsKeyedByTenantAndReportsTheirIds() throws Exception {
        String bootstrap = TestPlatform.shared().kafkaBootstrap();
        String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
        List<String> ids = new ArrayList<>();
        Map<String, long[]> sentAndAcked = new HashMap<>();
        try (Publisher publisher = Publisher.kafka(bootstrap, tenant, 16, 50)) {
            for (int i = 0; i < 3; i++) {
                String body = "{\"targetType\":\"user\",\"target\":\"u" + i + "\",\"tenant\":\"" + tenant
                        + "\",\"type\":\"notification\",\"payload\":{\"seq\":" + i + "}}";
                long sentAt = System.currentTimeMillis();
                Optional<String> id = publisher.send(body).get();
                assertThat(id).isPresent();
                ids.add(id.get());
                sentAndAcked.put(id.get(), new long[] {sentAt, System.currentTimeMillis()});
            }
            assertThat(publisher.accepted.sum()).isEqualTo(3);
            assertThat(ids).doesNotHaveDuplicates();
        }

        Map<String, RequestValidation.Valid> seen = new HashMap<>();
        Map<String, Long> stamped = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "group.id", "kp-" + tenant, "auto.offset.reset", "earliest"), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(KafkaTransport.TOPIC));
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < 3 && System.nanoTime() < until) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (tenant.equals(r.key())) {
                        RequestValidation v = new NotificationRequestParser(() -> "derived").parse(r.value());
                        assertThat(v).isInstanceOf(RequestValidation.Valid.class);
                        RequestValidation.Valid valid = (RequestValidation.Valid) v;
                        seen.put(valid.request().id(), valid);
                        stamped.put(valid.request().id(), r.timestamp());
                    }
                }
            }
        }
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        seen.values().forEach(v -> {
            assertThat(v.request().tenant()).isEqualTo(tenant);
            assertThat(v.request().targetType()).isEqualTo(TargetType.USER);
        });
        // The record's timestamp (the message's, for notification-service) is taken at send, before the 50 ms linger:
        // the latency the load generator measures from it includes the producer's wait.
        sentAndAcked.forEach((id, times) -> assertThat(stamped.get(id)).isBetween(times[0], times[1] - 50));
    }

    @Test
    void theRecordCarriesTheIdAndTheTenantOnce() {
        String record = KafkaTransport.record("{\"targetType\":\"role\",\"target\":\"r\",\"tenant\":\"acme\",\"type\":\"x\"}",
                "id-1", "acme");
        assertThat(record).isEqualTo("{\"id\":\"id-1\",\"tenant\":\"acme\",\"targetType\":\"role\",\"target\":\"r\",\"type\":\"x\"}");
    }
}
