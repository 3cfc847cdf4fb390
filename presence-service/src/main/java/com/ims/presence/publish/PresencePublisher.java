package com.ims.presence.publish;

import com.ims.presence.registry.UserChange;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.UserStatusChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes registry changes: each changed user's route (or a tombstone) to the compacted routes topic, and online/offline
 * flips to the status topic. Sends are asynchronous; {@link #flush()} is called once per consumed batch so that the
 * changelog is written before the events' offsets are committed.
 */
@Component
public class PresencePublisher {

    private static final Logger log = LoggerFactory.getLogger(PresencePublisher.class);

    private final KafkaTemplate<String, Object> kafka;
    private final Counter failures;

    public PresencePublisher(KafkaTemplate<String, Object> kafka, MeterRegistry meters) {
        this.kafka = kafka;
        this.failures = Counter.builder("ims.presence.publish.failures")
                .description("route or status records Kafka did not accept").register(meters);
    }

    public void publish(List<UserChange> changes, long now) {
        for (UserChange change : changes) {
            String key = change.user().encoded();
            // A null value is a tombstone: compaction then forgets the user, and readers drop it.
            send(Topics.PRESENCE_ROUTES, key, change.route(), change);
            if (change.flip() != UserChange.Flip.NONE) {
                boolean online = change.flip() == UserChange.Flip.ONLINE;
                send(Topics.PRESENCE_STATUS, key,
                        new UserStatusChange(change.user().tenant(), change.user().userId(), online, now), change);
                log.debug("user status tenant={} userId={} online={}", change.user().tenant(), change.user().userId(), online);
            }
        }
    }

    /** Waits until every send so far is acknowledged or has failed. */
    public void flush() {
        kafka.flush();
    }

    private void send(String topic, String key, Object value, UserChange change) {
        kafka.send(topic, key, value).whenComplete((result, error) -> {
            if (error != null) {
                failures.increment();
                log.error("publish failed topic={} tenant={} userId={} reason={}", topic, change.user().tenant(),
                        change.user().userId(), error.toString());
            }
        });
    }
}
