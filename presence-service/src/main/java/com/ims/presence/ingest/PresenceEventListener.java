package com.ims.presence.ingest;

import com.ims.presence.registry.PresenceMetrics;
import com.ims.presence.registry.PresenceWriter;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.PresenceEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.event.ListenerContainerIdleEvent;
import org.springframework.stereotype.Component;

/**
 * The Kafka edge of the gateways' presence events: decodes a batch, skips (and counts) records it cannot read, and hands
 * the rest, in order, to the writer. Not started with the context: {@code PresenceStartup} starts it once the state is
 * restored from the routes topic, so events never apply to a half-loaded state. After every applied batch and every
 * idle poll it lets the {@link IntakeClock} see how far the consumer got, on the consumer thread (the only thread that may
 * use the consumer).
 */
@Component
public class PresenceEventListener {

    public static final String ID = "presence-events";
    private static final Logger log = LoggerFactory.getLogger(PresenceEventListener.class);

    private final PresenceWriter writer;
    private final PresenceMetrics metrics;
    private final IntakeClock intake;

    public PresenceEventListener(PresenceWriter writer, PresenceMetrics metrics, IntakeClock intake) {
        this.writer = writer;
        this.metrics = metrics;
        this.intake = intake;
    }

    @KafkaListener(id = ID, topics = Topics.PRESENCE_EVENTS, groupId = "${ims.presence.consumer-group:ims-presence}",
            autoStartup = "false", batch = "true")
    public void onEvents(List<ConsumerRecord<String, byte[]>> records, Consumer<?, ?> consumer) {
        List<PresenceEvent> events = new ArrayList<>(records.size());
        for (ConsumerRecord<String, byte[]> record : records) {
            try {
                events.add(PresenceEventDecoder.decode(record.value()));
            } catch (RuntimeException e) {
                // A bad record must not stop the stream: it is counted, logged with its position, and skipped.
                metrics.malformedEvent();
                log.warn("skipped malformed presence event partition={} offset={} key={} reason={}",
                        record.partition(), record.offset(), record.key(), e.getMessage());
            }
        }
        // Throws when a change could not be published: the batch is then retried and its offsets are not committed.
        writer.applyAll(events);
        intake.observe(consumer);
    }

    /**
     * No records for the idle interval (spring.kafka.listener.idle-event-interval, the sweep interval): still a chance to
     * advance the intake clock. Published on the consumer thread, so the event's consumer may be used here.
     */
    @EventListener(condition = "event.listenerId.startsWith('" + ID + "')")
    public void onIdle(ListenerContainerIdleEvent event) {
        intake.observe(event.getConsumer());
    }
}
