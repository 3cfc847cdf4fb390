package com.ims.notification.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;

/**
 * The receipts consumer lets receipts gather on the broker; the other consumers take records as they come; the producer
 * lingers as configured.
 */
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

    @Test
    void theProducerLingersFiveMillisecondsByDefaultAndAsConfigured() {
        NotificationProperties defaults = new NotificationProperties(false, null, null, null, null, null, null);
        NotificationProperties oneMs = new NotificationProperties(false, null, null,
                new NotificationProperties.Kafka((short) 1, 3, null, null, Duration.ofMillis(1)), null, null, null);
        assertThat(config.imsProducerFactory(new KafkaProperties(), defaults).getConfigurationProperties())
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 5);
        assertThat(config.imsProducerFactory(new KafkaProperties(), oneMs).getConfigurationProperties())
                .containsEntry(ProducerConfig.LINGER_MS_CONFIG, 1);
    }

    private Map<String, Object> consumerConfig(Duration wait) {
        NotificationProperties properties = new NotificationProperties(false, null, null,
                new NotificationProperties.Kafka((short) 1, 3, Duration.ofSeconds(10), wait, null), null, null, null);
        return config.receiptsContainerFactory(new KafkaProperties(), properties).getConsumerFactory()
                .getConfigurationProperties();
    }
}
