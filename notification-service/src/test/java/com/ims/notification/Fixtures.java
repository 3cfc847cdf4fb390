package com.ims.notification;

import com.ims.devplatform.TestPlatform;
import com.ims.protocol.Json;
import com.ims.protocol.Topics;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.GatewayDelivery;
import com.ims.protocol.internal.PresenceEvent;
import com.ims.protocol.internal.ReplayPage;
import com.ims.protocol.internal.ReceiptBatch;
import com.ims.protocol.internal.UserRoute;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;
import com.ims.support.kafka.PlatformTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.JsonNode;

/** The outside world of notification-service in tests: producers, a simulated gateway, presence, tokens, HTTP. */
public final class Fixtures {

    static final TestPlatform PLATFORM = TestPlatform.shared();
    private static final Map<String, KafkaProducer<String, byte[]>> PRODUCERS = new java.util.concurrent.ConcurrentHashMap<>();
    /** The broker the helpers talk to: the shared test platform, or a container in the Testcontainers variant. */
    static volatile String bootstrap = PLATFORM.kafkaBootstrap();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Fixtures() {
    }

    public static String uid() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static KafkaProducer<String, byte[]> producer() {
        return PRODUCERS.computeIfAbsent(bootstrap, b -> new KafkaProducer<>(Map.of("bootstrap.servers", b, "acks", "all",
                "linger.ms", 0), new StringSerializer(), new ByteArraySerializer()));
    }

    public static void send(String topic, String key, byte[] value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends a record as built by the test: an explicit partition or timestamp, as other clients may set them. */
    public static RecordMetadata send(ProducerRecord<String, byte[]> record) {
        try {
            return producer().send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void sendNotification(String tenant, String json) {
        send(Topics.NOTIFICATIONS, tenant, json.getBytes(StandardCharsets.UTF_8));
    }

    /** What presence-service would publish: the user is on these gateways (one connection each). */
    public static void online(String tenant, String userId, String... gateways) {
        Map<String, List<String>> byGateway = new java.util.HashMap<>();
        for (String g : gateways) {
            byGateway.put(g, List.of("c-" + g + "-" + userId));
        }
        send(Topics.PRESENCE_ROUTES, new UserKey(tenant, userId).encoded(),
                Json.toBytes(new UserRoute(tenant, userId, byGateway, System.currentTimeMillis())));
    }

    public static void offline(String tenant, String userId) {
        send(Topics.PRESENCE_ROUTES, new UserKey(tenant, userId).encoded(), null);
    }

    public static void connected(String gatewayId, String tenant, String userId, String clientId, List<String> roles) {
        send(Topics.PRESENCE_EVENTS, gatewayId, Json.toBytes(PresenceEvent.connected(gatewayId, tenant, userId, clientId,
                roles, System.currentTimeMillis())));
    }

    /** A CONNECTED event from a gateway that takes the replay in pages of this size. */
    public static void connected(String gatewayId, String tenant, String userId, String clientId, ReplayPage offer) {
        send(Topics.PRESENCE_EVENTS, gatewayId, Json.toBytes(PresenceEvent.connected(gatewayId, tenant, userId, clientId,
                List.of(), System.currentTimeMillis(), offer)));
    }

    /** The gateway wrote a replay page and asks for the next one. */
    public static void replayNext(String gatewayId, String tenant, String userId, String clientId, ReplayPage page) {
        send(Topics.PRESENCE_EVENTS, gatewayId, Json.toBytes(PresenceEvent.replayNext(gatewayId, tenant, userId, clientId,
                System.currentTimeMillis(), page)));
    }

    public static void receipts(String gatewayId, ReceiptBatch.Kind kind, String tenant, String userId, List<String> ids) {
        List<ReceiptBatch.Receipt> list = ids.stream().map(id -> new ReceiptBatch.Receipt(tenant, userId, id)).toList();
        send(Topics.RECEIPTS, gatewayId, Json.toBytes(new ReceiptBatch(gatewayId, kind, System.currentTimeMillis(), list)));
    }

    public static String token(String subject, String tenant, String scope, String... roles) {
        return DevTokens.mint(JwtSettings.DEV_SECRET, subject, Arrays.asList(roles), tenant, scope, Duration.ofMinutes(10));
    }

    public static HttpResponse<String> http(String method, String url, String token, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        return Json.tree(response.body());
    }

    /** Reads what notification-service sends to {@code ims.gateway.<id>}, as a gateway would. Test thread only. */
    public static final class GatewaySim implements AutoCloseable {
        public final String id;
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<GatewayDelivery> received = new ArrayList<>();

        public GatewaySim(String id) {
            this.id = id;
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                admin.createTopics(List.of(PlatformTopics.gateway(id, (short) 1))).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException(e);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                    new StringDeserializer(), new ByteArrayDeserializer());
            TopicPartition p = new TopicPartition(Topics.gateway(id), 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
        }

        public static GatewaySim create() {
            return new GatewaySim("gw-" + uid());
        }

        public List<GatewayDelivery> received() {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                received.add(Json.fromBytes(r.value(), GatewayDelivery.class));
            }
            return List.copyOf(received);
        }

        public List<GatewayDelivery> pushes() {
            return received().stream().filter(d -> d.kind() == GatewayDelivery.Kind.PUSH).toList();
        }

        /** PUSH records addressed to one connection (replay), in order. */
        public List<GatewayDelivery> replayed(String clientId) {
            return pushes().stream().filter(d -> clientId.equals(d.clientId())).toList();
        }

        /** The REPLAY_MORE records addressed to one connection, in order. */
        public List<GatewayDelivery> replayMore(String clientId) {
            return received().stream()
                    .filter(d -> d.kind() == GatewayDelivery.Kind.REPLAY_MORE && clientId.equals(d.clientId())).toList();
        }

        public boolean replayDone(String clientId) {
            return received().stream().anyMatch(d -> d.kind() == GatewayDelivery.Kind.REPLAY_DONE && clientId.equals(d.clientId()));
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** Reads the DLT from its current end. */
    public static final class DltReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<ConsumerRecord<String, byte[]>> received = new ArrayList<>();

        public DltReader() {
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                    new StringDeserializer(), new ByteArrayDeserializer());
            TopicPartition p = new TopicPartition(Topics.NOTIFICATIONS_DLT, 0);
            consumer.assign(List.of(p));
            consumer.seekToEnd(List.of(p));
            consumer.position(p);
        }

        public List<ConsumerRecord<String, byte[]>> received() {
            consumer.poll(Duration.ofMillis(100)).forEach(received::add);
            return List.copyOf(received);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
