package com.ims.presence.publish;

import com.ims.presence.registry.UserChange;
import com.ims.protocol.Topics;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.UserRoute;
import com.ims.protocol.internal.UserStatusChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.stereotype.Component;

/**
 * Publishes registry changes: each changed user's route (or a tombstone) to the compacted routes topic, and online/offline
 * flips to the status topic. Sends are asynchronous and every send is returned with its outcome, so that the writer can
 * re-publish what Kafka refused; {@link #flush()} is called once per consumed batch so that the changelog is written
 * before the events' offsets are committed.
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

    /** One record handed to Kafka: whose it is, which topic, and its outcome (failed when Kafka did not accept it). */
    public record Sent(UserKey user, Kind kind, CompletableFuture<?> outcome) {
        public enum Kind { ROUTE, STATUS }
    }

    public List<Sent> publish(List<UserChange> changes, long now) {
        List<Sent> sent = new ArrayList<>(changes.size());
        for (UserChange change : changes) {
            sent.add(route(change.user(), change.route()));
            if (change.flip() != UserChange.Flip.NONE) {
                sent.add(status(change.user(), change.flip() == UserChange.Flip.ONLINE, now));
            }
        }
        return sent;
    }

    /** The user's route, or a tombstone when {@code route} is null (compaction then forgets the user, readers drop it). */
    public Sent route(UserKey user, UserRoute route) {
        return new Sent(user, Sent.Kind.ROUTE, send(Topics.PRESENCE_ROUTES, user, route));
    }

    public Sent status(UserKey user, boolean online, long now) {
        log.debug("user status tenant={} userId={} online={}", user.tenant(), user.userId(), online);
        return new Sent(user, Sent.Kind.STATUS,
                send(Topics.PRESENCE_STATUS, user, new UserStatusChange(user.tenant(), user.userId(), online, now)));
    }

    /** Waits until every send so far is acknowledged or has failed. */
    public void flush() {
        kafka.flush();
    }

    private CompletableFuture<?> send(String topic, UserKey user, Object value) {
        CompletableFuture<?> outcome;
        try {
            outcome = kafka.send(topic, user.encoded(), value);
        } catch (RuntimeException e) {
            // Refused before it was queued (no metadata within max.block.ms, serialization): the same as a failed send.
            outcome = CompletableFuture.failedFuture(e);
        }
        return outcome.whenComplete((result, error) -> {
            if (error != null) {
                failures.increment();
                log.error("publish failed topic={} tenant={} userId={} reason={}", topic, user.tenant(), user.userId(),
                        error.toString());
            }
        });
    }
}
