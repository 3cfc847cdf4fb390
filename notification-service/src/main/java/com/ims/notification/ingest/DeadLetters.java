package com.ims.notification.ingest;

import com.ims.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/** Sends a record that cannot be ingested to {@code ims.notifications.DLT}: original key and bytes, reason in headers. */
public class DeadLetters {

    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final KafkaTemplate<String, Object> kafka;

    public DeadLetters(KafkaTemplate<String, Object> kafka) {
        this.kafka = kafka;
    }

    public CompletableFuture<?> send(ConsumerRecord<String, byte[]> record, String reason) {
        log.warn("dead-lettering record topic={} partition={} offset={} reason={}",
                record.topic(), record.partition(), record.offset(), reason);
        ProducerRecord<String, Object> out = new ProducerRecord<>(Topics.NOTIFICATIONS_DLT, null, record.key(), record.value());
        out.headers()
                .add(Topics.DLT_REASON_HEADER, utf8(reason))
                .add(Topics.DLT_TOPIC_HEADER, utf8(record.topic()))
                .add(Topics.DLT_PARTITION_HEADER, utf8(String.valueOf(record.partition())))
                .add(Topics.DLT_OFFSET_HEADER, utf8(String.valueOf(record.offset())));
        return kafka.send(out);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
