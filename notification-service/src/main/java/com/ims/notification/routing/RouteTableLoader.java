package com.ims.notification.routing;

import com.ims.protocol.Json;
import com.ims.protocol.Topics;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.UserRoute;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Reads the compacted {@code ims.presence.routes} from the beginning into the {@link RouteTable}, on its own thread,
 * with a plain consumer that assigns every partition (no group: every instance needs the whole table).
 * Ready once it has read up to the end offsets seen at start.
 */
public class RouteTableLoader implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(RouteTableLoader.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Supplier<Consumer<String, byte[]>> consumers;
    private final RouteTable table;
    private final GatewayTopics gatewayTopics;
    private volatile Consumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile boolean caughtUp;
    /**
     * Where reading stopped, so a restarted consumer resumes there: re-reading from the beginning would not undo an
     * entry whose tombstone was compacted away meanwhile.
     */
    private final Map<TopicPartition, Long> positions = new HashMap<>();

    public RouteTableLoader(Supplier<Consumer<String, byte[]>> consumers, RouteTable table, GatewayTopics gatewayTopics) {
        this.consumers = consumers;
        this.table = table;
        this.gatewayTopics = gatewayTopics;
    }

    public boolean caughtUp() {
        return caughtUp;
    }

    @Override
    public void start() {
        running = true;
        thread = Thread.ofPlatform().name("route-table-loader").daemon(true).start(this::run);
    }

    @Override
    public void stop() {
        running = false;
        Consumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void run() {
        while (running) {
            try (Consumer<String, byte[]> c = consumers.get()) {
                consumer = c;
                readForever(c);
            } catch (WakeupException e) {
                // stop() asked us to leave
            } catch (RuntimeException e) {
                log.error("route table loader failed; restarting from the beginning error={}", e.toString(), e);
                pause();
            }
        }
    }

    private void readForever(Consumer<String, byte[]> c) {
        List<TopicPartition> partitions = partitions(c);
        c.assign(partitions);
        c.seekToBeginning(partitions);
        positions.forEach((p, offset) -> {
            if (partitions.contains(p)) {
                c.seek(p, offset);
            }
        });
        Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(partitions));
        while (running) {
            ConsumerRecords<String, byte[]> records = c.poll(POLL);
            for (ConsumerRecord<String, byte[]> r : records) {
                apply(r);
                positions.put(new TopicPartition(r.topic(), r.partition()), r.offset() + 1);
            }
            if (!caughtUp) {
                end.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
                if (end.isEmpty()) {
                    caughtUp = true;
                    log.info("route table caught up onlineUsers={}", table.onlineUserCount());
                }
            }
        }
    }

    private List<TopicPartition> partitions(Consumer<String, byte[]> c) {
        while (running) {
            List<PartitionInfo> infos = c.partitionsFor(Topics.PRESENCE_ROUTES);
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            }
            log.info("waiting for topic {}", Topics.PRESENCE_ROUTES);
            pause();
        }
        throw new WakeupException();
    }

    void apply(ConsumerRecord<String, byte[]> r) {
        UserKey user;
        try {
            user = UserKey.decode(r.key());
        } catch (RuntimeException e) {
            log.warn("skipping route with a bad key partition={} offset={}", r.partition(), r.offset());
            return;
        }
        if (r.value() == null) {
            table.update(user, Set.of());
            return;
        }
        UserRoute route;
        try {
            route = Json.fromBytes(r.value(), UserRoute.class);
        } catch (RuntimeException e) {
            log.warn("skipping unreadable route partition={} offset={}", r.partition(), r.offset());
            return;
        }
        Set<String> gateways = route.gateways().keySet();
        for (String g : gateways) {
            gatewayTopics.ensure(g);
        }
        table.update(user, gateways);
    }

    private void pause() {
        try {
            Thread.sleep(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }
}
