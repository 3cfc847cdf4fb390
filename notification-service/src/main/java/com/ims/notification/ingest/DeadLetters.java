package com.ims.notification.ingest;

import com.ims.protocol.Topics;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;

/**
 * Sends a record that cannot be ingested to {@code ims.notifications.DLT}: original key and bytes, reason in headers.
 *
 * @implNote A dead letter the broker or producer refuses for good (a record just under the broker's limit is over the
 *     producer's {@code max.request.size} once the reason headers are added: {@code RecordTooLargeException}) is sent
 *     again without its value, with {@value #ORIGINAL_SIZE_HEADER} saying how large it was, so the partition moves on.
 *     Rethrowing would stall it for good: the container retries an outage forever, and this one never passes. An
 *     outage (a retriable error, see {@link Failures}) is not dropped: it fails the batch, which is retried whole.
 */
public class DeadLetters {

    /** Header of a dead letter sent without its value: the original value's size in bytes. */
    public static final String ORIGINAL_SIZE_HEADER = "ims-dlt-original-size";
    private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

    private final KafkaTemplate<String, Object> kafka;

    public DeadLetters(KafkaTemplate<String, Object> kafka) {
        this.kafka = kafka;
    }

    public CompletableFuture<?> send(ConsumerRecord<String, byte[]> record, String reason) {
        log.warn("dead-lettering record topic={} partition={} offset={} reason={}",
                record.topic(), record.partition(), record.offset(), reason);
        return send(deadLetter(record, reason, record.value())).exceptionallyCompose(e -> {
            if (Failures.isTransient(e)) {
                return CompletableFuture.failedFuture(e);
            }
            int size = record.value() == null ? 0 : record.value().length;
            log.warn("dead letter refused, sending it without its value topic={} partition={} offset={} size={} error={}",
                    record.topic(), record.partition(), record.offset(), size, e.toString());
            ProducerRecord<String, Object> withoutValue = deadLetter(record, reason, null);
            withoutValue.headers().add(ORIGINAL_SIZE_HEADER, utf8(String.valueOf(size)));
            return send(withoutValue);
        });
    }

    /** A send whose failure is in the future: KafkaTemplate throws a failure the producer knew at once (record too large). */
    private CompletableFuture<SendResult<String, Object>> send(ProducerRecord<String, Object> out) {
        try {
            return kafka.send(out);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static ProducerRecord<String, Object> deadLetter(ConsumerRecord<String, byte[]> record, String reason,
                                                             byte[] value) {
        ProducerRecord<String, Object> out = new ProducerRecord<>(Topics.NOTIFICATIONS_DLT, null, record.key(), value);
        out.headers()
                .add(Topics.DLT_REASON_HEADER, utf8(reason))
                .add(Topics.DLT_TOPIC_HEADER, utf8(record.topic()))
                .add(Topics.DLT_PARTITION_HEADER, utf8(String.valueOf(record.partition())))
                .add(Topics.DLT_OFFSET_HEADER, utf8(String.valueOf(record.offset())));
        return out;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
