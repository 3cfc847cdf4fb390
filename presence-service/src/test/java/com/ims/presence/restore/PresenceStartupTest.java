package com.ims.presence.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.ims.presence.config.PresenceProperties;
import com.ims.presence.ingest.IntakeClock;
import com.ims.presence.ingest.PresenceEventListener;
import com.ims.presence.registry.PresenceWriter;
import com.ims.protocol.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.listener.MessageListenerContainer;

/** Readiness: a started listener is not enough; health waits until events were read to their end once. */
class PresenceStartupTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final IntakeClock intake = new IntakeClock(now::get, Duration.ofMillis(100));

    @Test
    void isNotReadyUntilTheStartedListenerHasReadItsPartitionsToTheEnd() throws Exception {
        RouteRestorer restorer = mock(RouteRestorer.class);
        when(restorer.readAll(any())).thenReturn(Map.of());
        MessageListenerContainer container = mock(MessageListenerContainer.class);
        when(container.isRunning()).thenReturn(true);
        KafkaListenerEndpointRegistry listeners = mock(KafkaListenerEndpointRegistry.class);
        when(listeners.getListenerContainer(PresenceEventListener.ID)).thenReturn(container);
        PresenceStartup startup = new PresenceStartup(restorer, mock(PresenceWriter.class), listeners, intake,
                new PresenceProperties(true, null, null, null, null,
                        new PresenceProperties.Presence(Duration.ofSeconds(15), Duration.ofMinutes(5), Duration.ofSeconds(1),
                                "g", Duration.ofSeconds(5))));

        startup.start();
        try {
            await().untilAsserted(() -> verify(container).start());
            // Started, but its partitions are not assigned yet (a crashed predecessor may hold them a session timeout).
            assertThat(startup.isReady()).isFalse();

            MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
            TopicPartition p0 = new TopicPartition(Topics.PRESENCE_EVENTS, 0);
            consumer.assign(List.of(p0));
            consumer.updateBeginningOffsets(Map.of(p0, 0L));
            consumer.updateEndOffsets(Map.of(p0, 0L));
            consumer.seek(p0, 0);
            intake.observe(consumer);

            assertThat(startup.isReady()).isTrue();
        } finally {
            startup.stop();
        }
    }
}
