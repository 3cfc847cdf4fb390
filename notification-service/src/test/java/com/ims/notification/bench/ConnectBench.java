package com.ims.notification.bench;

import com.ims.devplatform.TestPlatform;
import com.ims.notification.NotificationServiceApplication;
import com.ims.notification.replay.ConnectHandler;
import com.ims.notification.store.DeliveryStore;
import com.ims.protocol.internal.PresenceEvent;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import com.ims.support.kafka.PlatformTopics;
import org.apache.kafka.clients.admin.Admin;
import org.bson.Document;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Connects per second through {@link ConnectHandler} on the embedded store, one event at a time ({@code onConnected}, the
 * old listener path) against batches of 500 ({@code onConnectedBatch}), with {@code deliveries} open deliveries already
 * stored. Each run uses its own tenant and users. Run: {@code java -cp <test classpath>
 * com.ims.notification.bench.ConnectBench [connects] [deliveries]}.
 */
public final class ConnectBench {

    private ConnectBench() {
    }

    public static void main(String[] args) throws Exception {
        int connects = args.length > 0 ? Integer.parseInt(args[0]) : 2_000;
        int deliveries = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        TestPlatform platform = TestPlatform.shared();
        String run = "cbench" + System.currentTimeMillis();
        Map.of("server.port", "0",
                "ims.dev-mode", "true",
                "spring.kafka.bootstrap-servers", platform.kafkaBootstrap(),
                "spring.mongodb.uri", platform.mongoUri("ims-bench"),
                "logging.level.root", "WARN",
                "logging.level.com.ims", "WARN").forEach(System::setProperty);
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(NotificationServiceApplication.class).run();
        try {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.kafkaBootstrap()))) {
                admin.createTopics(List.of(PlatformTopics.gateway("gw-bench", (short) 1))).all().get();
            } catch (java.util.concurrent.ExecutionException e) {
                // exists from an earlier run
            }
            ConnectHandler handler = ctx.getBean(ConnectHandler.class);
            DeliveryStore store = ctx.getBean(DeliveryStore.class);
            // Open deliveries of users who stay away: what every connect's queries wade through on the embedded store.
            List<Document> docs = new ArrayList<>(deliveries);
            for (int i = 0; i < deliveries; i++) {
                String tenant = run + "-noise";
                String key = tenant + ":m" + i;
                docs.add(new Document("_id", key + ":away-" + (i % 1_000)).append("messageKey", key).append("tenant", tenant)
                        .append("userId", "away-" + (i % 1_000)).append("messageId", "m" + i).append("seq", (long) i)
                        .append("status", "PENDING").append("createdAt", new Date()).append("attempts", 0)
                        .append("nextAttemptAt", null).append("expiresAt", null));
            }
            for (int from = 0; from < docs.size(); from += 5_000) {
                store.insertDeliveries(docs.subList(from, Math.min(docs.size(), from + 5_000)));
            }
            measure("per event (before)", run + "-single", connects, events -> {
                List<CompletableFuture<?>> sends = new ArrayList<>();
                events.forEach(e -> sends.addAll(handler.onConnected(e)));
                return sends;
            });
            measure("batched by 500 (after)", run + "-batch", connects, events -> {
                List<CompletableFuture<?>> sends = new ArrayList<>();
                for (int from = 0; from < events.size(); from += 500) {
                    sends.addAll(handler.onConnectedBatch(events.subList(from, Math.min(events.size(), from + 500))));
                }
                return sends;
            });
        } finally {
            ctx.close();
            System.exit(0);
        }
    }

    private static void measure(String label, String tenant, int connects,
                                Function<List<PresenceEvent>, List<CompletableFuture<?>>> handle) {
        List<PresenceEvent> events = new ArrayList<>(connects);
        long now = System.currentTimeMillis();
        for (int i = 0; i < connects; i++) {
            events.add(PresenceEvent.connected("gw-bench", tenant, "user-" + i, "c-" + i, List.of("r-bench"), now));
        }
        long t0 = System.nanoTime();
        List<CompletableFuture<?>> sends = handle.apply(events);
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s: %d connects in %.2f s = %.0f connects/s%n", label, connects, seconds, connects / seconds);
    }
}
