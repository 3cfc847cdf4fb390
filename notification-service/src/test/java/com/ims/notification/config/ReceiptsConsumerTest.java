package com.ims.notification.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/** The receipts consumer lets receipts gather on the broker; the other consumers take records as they come. */
class ReceiptsConsumerTest {

    private final KafkaConfig config = new KafkaConfig();

    @Test
    void receiptsPollsWaitForReceiptsToGatherAndTheWaitCanBeSwitchedOff() {
        Map<String, Object> gathering = consumerConfig(Duration.ofMillis(600));
        assertThat(gathering).containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 600)
                .containsEntry(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, 1 << 20);

        Map<String, Object> immediate = consumerConfig(Duration.ZERO);
        assertThat(immediate).doesNotContainKeys(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, ConsumerConfig.FETCH_MIN_BYTES_CONFIG);
        assertThat(KafkaConfig.consumerProps(new KafkaProperties())).as("ingest and presence events")
                .doesNotContainKeys(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, ConsumerConfig.FETCH_MIN_BYTES_CONFIG);
    }

    private Map<String, Object> consumerConfig(Duration wait) {
        NotificationProperties properties = new NotificationProperties(false, null, null,
                new NotificationProperties.Kafka((short) 1, 3, Duration.ofSeconds(10), wait), null, null, null);
        return config.receiptsContainerFactory(new KafkaProperties(), properties).getConsumerFactory()
                .getConfigurationProperties();
    }
}
