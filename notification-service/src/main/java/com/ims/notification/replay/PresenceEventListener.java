package com.ims.notification.replay;

import com.ims.notification.ingest.Failures;
import com.ims.notification.routing.Sends;
import com.ims.protocol.Json;
import com.ims.protocol.NotificationRequestParser;
import com.ims.protocol.Topics;
import com.ims.protocol.internal.PresenceEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;

/** The Kafka edge of connect handling: CONNECTED events from {@code ims.presence.events}; other kinds are not ours. */
public class PresenceEventListener {

    private static final Logger log = LoggerFactory.getLogger(PresenceEventListener.class);
    private static final int MAX_ID_LENGTH = 256;

    private final ConnectHandler handler;
    private final Duration sendTimeout;

    public PresenceEventListener(ConnectHandler handler, Duration sendTimeout) {
        this.handler = handler;
        this.sendTimeout = sendTimeout;
    }

    @KafkaListener(id = "ims-notification-presence", topics = Topics.PRESENCE_EVENTS, groupId = "ims-notification-presence",
            containerFactory = "eventsContainerFactory", batch = "true")
    public void onBatch(List<ConsumerRecord<String, byte[]>> records) {
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            PresenceEvent event = decode(r);
            if (event != null && event.kind() == PresenceEvent.Kind.CONNECTED) {
                try {
                    sends.addAll(handler.onConnected(event));
                } catch (RuntimeException e) {
                    if (Failures.isTransient(e)) {
                        throw e; // the container retries the batch until the store is back
                    }
                    // One event must not stop connect handling for everyone; this user's next connect replays.
                    log.error("connect handling failed tenant={} userId={} clientId={}",
                            event.tenant(), event.userId(), event.clientId(), e);
                }
            }
        }
        int failed = Sends.awaitSettled(sends, sendTimeout);
        if (failed > 0) {
            log.warn("replay sends failed count={} of={}", failed, sends.size());
        }
    }

    private static PresenceEvent decode(ConsumerRecord<String, byte[]> r) {
        try {
            PresenceEvent e = r.value() == null ? null : Json.fromBytes(r.value(), PresenceEvent.class);
            if (e != null && e.kind() == PresenceEvent.Kind.CONNECTED && !(valid(e.tenant()) && valid(e.userId())
                    && valid(e.gatewayId()) && valid(e.clientId()))) {
                log.warn("skipping CONNECTED event without tenant, user, gateway or client partition={} offset={}",
                        r.partition(), r.offset());
                return null;
            }
            return e;
        } catch (RuntimeException ex) {
            log.warn("skipping unreadable presence event partition={} offset={}", r.partition(), r.offset());
            return null;
        }
    }

    private static boolean valid(String value) {
        return NotificationRequestParser.isSafeIdentifier(value, MAX_ID_LENGTH);
    }
}
