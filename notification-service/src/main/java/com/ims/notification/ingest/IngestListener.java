package com.ims.notification.ingest;

import com.ims.protocol.Topics;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

/** The Kafka edge of ingest: batches of raw records from {@code ims.notifications}, decoded by the processor. */
public class IngestListener {

    private final IngestProcessor processor;

    public IngestListener(IngestProcessor processor) {
        this.processor = processor;
    }

    @KafkaListener(id = "ims-notification-ingest", topics = Topics.NOTIFICATIONS, groupId = "ims-notification",
            containerFactory = "ingestContainerFactory", batch = "true")
    public void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        processor.ingest(records);
    }
}
