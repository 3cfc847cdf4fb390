package com.ims.notification.bench;

import com.ims.devplatform.TestPlatform;
import com.ims.notification.NotificationServiceApplication;
import com.ims.notification.directory.RoleDirectory;
import com.ims.protocol.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Measures, through the running service on the embedded broker and store: persisted deliveries per second for user
 * messages to offline users (every one a stored message and a stored delivery), and the time to persist one role
 * message for 100,000 offline members. Run: {@code java -cp <test classpath> com.ims.notification.bench.DeliveryBench
 * [messages] [roleMembers]}.
 */
public final class DeliveryBench {

    private static final int TENANTS = 12;

    private DeliveryBench() {
    }

    public static void main(String[] args) throws Exception {
        int messages = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int roleMembers = args.length > 1 ? Integer.parseInt(args[1]) : 100_000;
        TestPlatform platform = TestPlatform.shared();
        String run = "bench" + System.currentTimeMillis();
        // System properties outrank application.yml (builder properties would not).
        Map.of("server.port", "0",
                "ims.dev-mode", "true",
                "spring.kafka.bootstrap-servers", platform.kafkaBootstrap(),
                "spring.mongodb.uri", platform.mongoUri("ims-bench"),
                "logging.level.root", "WARN",
                "logging.level.com.ims", "WARN",
                "logging.level.com.ims.notification.ingest", "INFO").forEach(System::setProperty);
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(NotificationServiceApplication.class).run();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", platform.kafkaBootstrap(), "acks", "all", "linger.ms", 5, "batch.size", 262_144),
                new StringSerializer(), new ByteArraySerializer())) {
            Counter stored = ctx.getBean(MeterRegistry.class).get("ims.deliveries.stored").counter();
            LongSupplier count = () -> (long) stored.count();

            // Warm-up: the listener has its partitions and the JIT has seen the path.
            sendUserMessages(producer, run + "w", 1_000);
            awaitCount(count, 1_000, 120_000);

            long base = count.getAsLong();
            long t0 = System.nanoTime();
            sendUserMessages(producer, run, messages);
            awaitCount(count, base + messages, 600_000);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("user messages to offline users: %d deliveries persisted in %.2f s = %.0f deliveries/s%n",
                    messages, seconds, messages / seconds);

            String tenant = run + "-role";
            List<String> members = new ArrayList<>(roleMembers);
            for (int i = 0; i < roleMembers; i++) {
                members.add("member-" + i);
            }
            long s0 = System.nanoTime();
            RoleDirectory roles = ctx.getBean(RoleDirectory.class);
            for (int from = 0; from < roleMembers; from += 10_000) {
                roles.addAll(tenant, "everyone", members.subList(from, Math.min(roleMembers, from + 10_000)));
            }
            System.out.printf("setup: %d role memberships written in %.2f s%n", roleMembers, (System.nanoTime() - s0) / 1e9);

            base = count.getAsLong();
            t0 = System.nanoTime();
            producer.send(new ProducerRecord<>(Topics.NOTIFICATIONS, tenant, ("{\"targetType\":\"role\",\"target\":\"everyone\","
                    + "\"tenant\":\"" + tenant + "\",\"payload\":{\"text\":\"to everyone\"}}").getBytes(StandardCharsets.UTF_8))).get();
            awaitCount(count, base + roleMembers, 600_000);
            seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf("role message to %d offline members: persisted in %.2f s (%.0f deliveries/s)%n",
                    roleMembers, seconds, roleMembers / seconds);
        } finally {
            ctx.close();
            System.exit(0);
        }
    }

    private static void sendUserMessages(KafkaProducer<String, byte[]> producer, String run, int n) {
        for (int i = 0; i < n; i++) {
            String tenant = run + "-t" + (i % TENANTS);
            byte[] value = ("{\"targetType\":\"user\",\"target\":\"user-" + (i % 1_000) + "\",\"tenant\":\"" + tenant
                    + "\",\"payload\":{\"n\":" + i + ",\"text\":\"order shipped\"}}").getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(Topics.NOTIFICATIONS, tenant, value));
        }
        producer.flush();
    }

    private static void awaitCount(LongSupplier count, long target, long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (count.getAsLong() < target) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("timed out at " + count.getAsLong() + " of " + target);
            }
            Thread.sleep(20);
        }
    }
}
