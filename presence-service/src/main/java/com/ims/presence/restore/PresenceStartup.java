package com.ims.presence.restore;

import com.ims.presence.config.PresenceProperties;
import com.ims.presence.ingest.IntakeClock;
import com.ims.presence.ingest.PresenceEventListener;
import com.ims.presence.registry.PresenceWriter;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.UserRoute;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.stereotype.Component;

/**
 * Brings the service up in order: restore the state from the routes topic, then start consuming presence events, then
 * report ready. Runs in its own thread so that an unreachable broker delays readiness instead of failing the start; an
 * attempt that fails is retried.
 */
@Component
public class PresenceStartup implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PresenceStartup.class);
    /** Pause between restore attempts while Kafka is unreachable. */
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

    private final RouteRestorer restorer;
    private final PresenceWriter writer;
    private final KafkaListenerEndpointRegistry listeners;
    private final IntakeClock intake;
    private final Duration restoreTimeout;
    /** Released at stop, so that a retry pause ends at once. */
    private final CountDownLatch stopping = new CountDownLatch(1);
    private volatile boolean ready;
    private volatile boolean running;

    public PresenceStartup(RouteRestorer restorer, PresenceWriter writer, KafkaListenerEndpointRegistry listeners,
                           IntakeClock intake, PresenceProperties properties) {
        this.restorer = restorer;
        this.intake = intake;
        this.writer = writer;
        this.listeners = listeners;
        this.restoreTimeout = properties.presence().restoreTimeout();
    }

    @Override
    public void start() {
        running = true;
        Thread.ofPlatform().name("presence-restore").daemon().start(this::restoreThenConsume);
    }

    private void restoreThenConsume() {
        int attempt = 0;
        while (stopping.getCount() > 0) {
            attempt++;
            try {
                Map<UserKey, UserRoute> routes = restorer.readAll(restoreTimeout);
                writer.restore(routes.values());
                events().start();
                ready = true;
                log.info("presence ready onlineUsers={} attempts={}", routes.size(), attempt);
                return;
            } catch (Exception e) {
                log.warn("restore from routes topic failed attempt={} reason={}; retrying in {}", attempt, e.toString(),
                        RETRY_PAUSE);
                try {
                    if (stopping.await(RETRY_PAUSE.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * True once the state is restored and events are being consumed: the listener got its partitions and read them to
     * the end once. A started container alone says neither (partitions may be assigned up to a session timeout later).
     */
    public boolean isReady() {
        return ready && events().isRunning() && intake.hasCaughtUp();
    }

    private MessageListenerContainer events() {
        MessageListenerContainer container = listeners.getListenerContainer(PresenceEventListener.ID);
        if (container == null) {
            throw new IllegalStateException("no listener container " + PresenceEventListener.ID);
        }
        return container;
    }

    @Override
    public void stop() {
        stopping.countDown();
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
