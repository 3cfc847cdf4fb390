package com.ims.notification.ingest;

import com.ims.notification.store.Checkpoints;
import com.ims.protocol.Topics;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.support.Acknowledgment;

/**
 * The Kafka edge of ingest: batches of raw records from {@code ims.notifications}, decoded by the processor; offsets
 * move only past checkpointed batches ({@link Checkpoints}).
 */
public class IngestListener {

    private final IngestProcessor processor;
    private final Checkpoints checkpoints;

    public IngestListener(IngestProcessor processor, Checkpoints checkpoints) {
        this.processor = processor;
        this.checkpoints = checkpoints;
    }

    @KafkaListener(id = "ims-notification-ingest", topics = Topics.NOTIFICATIONS, groupId = "ims-notification",
            containerFactory = "ingestContainerFactory", batch = "true")
    public void onBatch(List<ConsumerRecord<String, byte[]>> records, Acknowledgment ack) {
        processor.ingest(records);
        checkpoints.batchDone("ingest", ack);
    }
}
