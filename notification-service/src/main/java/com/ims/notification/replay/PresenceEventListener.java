package com.ims.notification.replay;

import com.ims.notification.ingest.Failures;
import com.ims.notification.routing.Sends;
import com.ims.notification.store.Checkpoints;
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
import org.springframework.kafka.support.Acknowledgment;

/**
 * The Kafka edge of connect handling: CONNECTED and REPLAY_NEXT events from {@code ims.presence.events}; other kinds are
 * not ours.
 */
public class PresenceEventListener {

    private static final Logger log = LoggerFactory.getLogger(PresenceEventListener.class);
    private static final int MAX_ID_LENGTH = 256;
    /** Connects handled together at most: bounds each store query's {@code $in} list and the replay held in memory. */
    static final int MAX_CONNECTS_PER_CALL = 500;

    private final ConnectHandler handler;
    private final Checkpoints checkpoints;
    private final Duration sendTimeout;

    public PresenceEventListener(ConnectHandler handler, Checkpoints checkpoints, Duration sendTimeout) {
        this.handler = handler;
        this.checkpoints = checkpoints;
        this.sendTimeout = sendTimeout;
    }

    @KafkaListener(id = "ims-notification-presence", topics = Topics.PRESENCE_EVENTS, groupId = "ims-notification-presence",
            containerFactory = "eventsContainerFactory", batch = "true")
    public void onBatch(List<ConsumerRecord<String, byte[]>> records, Acknowledgment ack) {
        List<PresenceEvent> connected = new ArrayList<>();
        List<PresenceEvent> pageRequests = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            PresenceEvent event = decode(r);
            if (event != null && event.kind() == PresenceEvent.Kind.CONNECTED) {
                connected.add(event);
            } else if (event != null && event.kind() == PresenceEvent.Kind.REPLAY_NEXT) {
                pageRequests.add(event);
            }
        }
        List<CompletableFuture<?>> sends = new ArrayList<>();
        // Page requests first: each is one small query, and a connection mid-replay holds its live messages back until
        // its replay is done, while a storm's connect batches can take seconds. A request never needs a connect of the
        // same poll handled first: the gateway asks only after a page came, so its CONNECTED was handled before.
        for (PresenceEvent request : pageRequests) {
            sends.addAll(nextPage(request));
        }
        for (int from = 0; from < connected.size(); from += MAX_CONNECTS_PER_CALL) {
            sends.addAll(handle(connected.subList(from, Math.min(connected.size(), from + MAX_CONNECTS_PER_CALL))));
        }
        int failed = Sends.awaitSettled(sends, sendTimeout);
        if (failed > 0) {
            log.warn("replay sends failed count={} of={}", failed, sends.size());
        }
        checkpoints.batchDone("presence", ack);
    }

    /** The chunk together; if that fails for a reason other than a store outage, each event on its own. */
    private List<CompletableFuture<?>> handle(List<PresenceEvent> chunk) {
        try {
            return handler.onConnectedBatch(chunk);
        } catch (RuntimeException e) {
            if (Failures.isTransient(e)) {
                throw e; // the container retries the batch until the store is back
            }
            log.warn("batch connect handling failed, handling one by one count={}", chunk.size(), e);
        }
        List<CompletableFuture<?>> sends = new ArrayList<>();
        for (PresenceEvent event : chunk) {
            try {
                sends.addAll(handler.onConnected(event));
            } catch (RuntimeException e) {
                if (Failures.isTransient(e)) {
                    throw e;
                }
                // One event must not stop connect handling for everyone; this user's next connect replays.
                log.error("connect handling failed tenant={} userId={} clientId={}",
                        event.tenant(), event.userId(), event.clientId(), e);
            }
        }
        return sends;
    }

    /**
     * One page request; a failure that is not an outage ends this replay's paging, and the sweeper sends the rest while
     * the user is online.
     */
    private List<CompletableFuture<?>> nextPage(PresenceEvent request) {
        try {
            return handler.onReplayNext(request);
        } catch (RuntimeException e) {
            if (Failures.isTransient(e)) {
                throw e;
            }
            log.error("replay page failed, the rest goes to the sweeper tenant={} userId={} clientId={}",
                    request.tenant(), request.userId(), request.clientId(), e);
            handler.onReplayPageFailed(request);
            return List.of();
        }
    }

    private static PresenceEvent decode(ConsumerRecord<String, byte[]> r) {
        try {
            PresenceEvent e = r.value() == null ? null : Json.fromBytes(r.value(), PresenceEvent.class);
            boolean forUs = e != null && (e.kind() == PresenceEvent.Kind.CONNECTED || e.kind() == PresenceEvent.Kind.REPLAY_NEXT);
            if (forUs && !(valid(e.tenant()) && valid(e.userId()) && valid(e.gatewayId()) && valid(e.clientId()))) {
                log.warn("skipping {} event without tenant, user, gateway or client partition={} offset={}",
                        e.kind(), r.partition(), r.offset());
                return null;
            }
            if (e != null && e.kind() == PresenceEvent.Kind.REPLAY_NEXT && e.replayPage() == null) {
                log.warn("skipping REPLAY_NEXT event without a page partition={} offset={}", r.partition(), r.offset());
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
