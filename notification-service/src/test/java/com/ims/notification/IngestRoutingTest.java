package com.ims.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.argThat;
import static org.mockito.ArgumentMatchers.eq;

import com.ims.notification.Fixtures.DltReader;
import com.ims.notification.Fixtures.GatewaySim;
import com.ims.notification.ingest.DeadLetters;
import com.ims.notification.ingest.IngestProcessor;
import com.ims.notification.store.OpenDelivery;
import com.ims.protocol.Topics;
import com.ims.support.kafka.PlatformTopics;
import com.ims.protocol.internal.GatewayDelivery;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.bson.Document;
import org.mockito.InOrder;
import org.mockito.Mockito;
import com.ims.notification.routing.GatewayRouter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import com.ims.notification.directory.RoleDirectory;
import tools.jackson.databind.JsonNode;

/** Kafka ingress to gateway topics: targets, tenants, frames, and bad records. */
class IngestRoutingTest extends ServiceTestBase {

    @Autowired
    IngestProcessor ingestProcessor;

    /** The service's producer's {@code max.request.size} (KafkaConfig), also the test producer's default. */
    private static final int MAX_REQUEST_SIZE = 1_048_576;

    @Test
    void seedRecordOnKafkaReachesTheUsersGateway() {
        try (GatewaySim gateway = GatewaySim.create()) {
            String user = "u1-" + Fixtures.uid();
            online("default", user, gateway.id);

            Fixtures.sendNotification("default",
                    "{\"targetType\":\"user\",\"target\":\"" + user + "\",\"payload\":{\"text\":\"hello\"}}");

            await().atMost(WAIT).until(() -> !gateway.pushes().isEmpty());
            GatewayDelivery d = gateway.pushes().getFirst();
            assertThat(d.tenant()).isEqualTo("default");
            assertThat(d.userIds()).containsExactly(user);
            assertThat(d.persistent()).isTrue();
            JsonNode frame = frame(d);
            assertThat(frame.get("type").stringValue()).isEqualTo("notification");
            assertThat(frame.get("id").stringValue()).isEqualTo(d.messageId());
            assertThat(frame.get("timestamp").asLong()).isPositive();
            assertThat(frame.get("payload").get("text").stringValue()).isEqualTo("hello");
        }
    }

    @Test
    void unkeyedSeedRecordAsKcatWouldSendItIsRoutedToo() {
        try (GatewaySim gateway = GatewaySim.create()) {
            String user = "u1-" + Fixtures.uid();
            online("default", user, gateway.id);

            Fixtures.send(Topics.NOTIFICATIONS, null, ("{\"targetType\":\"user\",\"target\":\"" + user
                    + "\",\"payload\":{\"text\":\"no key\"}}").getBytes(StandardCharsets.UTF_8));

            await().atMost(WAIT).until(() -> gateway.pushes().size() >= 1);
            GatewayDelivery d = gateway.pushes().getFirst();
            assertThat(d.userIds()).containsExactly(user);
            assertThat(d.messageId()).as("id fixed before the hop to the tenant's partition").startsWith("~k");
            assertThat(status("default", d.messageId()).get("recipients").asLong()).isEqualTo(1);
        }
    }

    @Test
    void aRecordWithoutIdIsNeverTakenForARepeatOfAProducerChosenId() {
        String tenant = "t-" + Fixtures.uid();
        RecordMetadata withoutId = Fixtures.send(record(tenant, null, "{\"targetType\":\"user\",\"target\":\"u\","
                + "\"tenant\":\"" + tenant + "\",\"payload\":{}}"));
        // The id this record got derived until 2026-11-30, chosen by a producer for its own message.
        String producerId = "k" + withoutId.partition() + "-" + withoutId.offset();
        Fixtures.send(record(tenant, null, userMessage(tenant, producerId)));

        await().atMost(WAIT).until(() -> deliveryStore.openDeliveries(tenant, "u", 10).size() == 2);
        List<OpenDelivery> open = deliveryStore.openDeliveries(tenant, "u", 10);
        assertThat(open).extracting(OpenDelivery::messageId)
                .containsExactly("~k" + withoutId.partition() + "-" + withoutId.offset(), producerId);
        assertThat(new com.ims.protocol.NotificationRequestParser(() -> "x").parse(userMessage(tenant, open.getFirst()
                .messageId()).getBytes(StandardCharsets.UTF_8)))
                .as("a derived id is no valid producer id, so no producer can collide with one")
                .isInstanceOf(com.ims.protocol.RequestValidation.Invalid.class);
    }

    @Test
    void anUnkeyedRecordKeepsItsAcceptTimeThroughTheHopSoItsTtlCountsFromThere() {
        String tenant = "t-" + Fixtures.uid();
        // Accepted by the broker ten minutes ago with a one-minute ttl: expired already, whatever the hop to the
        // tenant's partition costs.
        long acceptedAt = System.currentTimeMillis() - Duration.ofMinutes(10).toMillis();
        Fixtures.send(new ProducerRecord<>(Topics.NOTIFICATIONS, null, acceptedAt, null, ("{\"targetType\":\"user\","
                + "\"target\":\"u\",\"tenant\":\"" + tenant + "\",\"id\":\"old\",\"ttlSeconds\":60,\"payload\":{}}")
                .getBytes(StandardCharsets.UTF_8)));

        await().atMost(WAIT).until(() -> status(tenant, "old") != null);
        assertThat(status(tenant, "old").get("createdAt").stringValue()).isEqualTo(Instant.ofEpochMilli(acceptedAt).toString());
        await().atMost(WAIT).until(() -> recipientStatus(tenant, "old", "u").equals("EXPIRED"));
    }

    @Test
    void aRecordKeyedByItsTenantInAnotherPartitionMovesToTheTenantsPartitionAndKeepsTheOrder() {
        // As a librdkafka producer (CRC32 partitioner) would place it: the right key, not the Java client's partition.
        String tenant = "t-" + Fixtures.uid();
        RecordMetadata first = Fixtures.send(record(tenant, null, userMessage(tenant, "m1")));
        int tenantPartition = first.partition();
        int elsewhere = (tenantPartition + 1) % PlatformTopics.NOTIFICATION_PARTITIONS;
        Fixtures.send(record(tenant, elsewhere, userMessage(tenant, "m2")));
        await().atMost(WAIT).until(() -> deliveryStore.openDeliveries(tenant, "u", 10).size() == 2);
        Fixtures.send(record(tenant, null, userMessage(tenant, "m3")));
        await().atMost(WAIT).until(() -> deliveryStore.openDeliveries(tenant, "u", 10).size() == 3);

        List<OpenDelivery> open = deliveryStore.openDeliveries(tenant, "u", 10);
        assertThat(open).extracting(OpenDelivery::messageId).containsExactly("m1", "m2", "m3");
        assertThat(open).extracting(OpenDelivery::seq).isSorted().doesNotHaveDuplicates();
        assertThat(open.getFirst().seq()).as("placed by the Java client's partitioner: ingested where it is")
                .isEqualTo(first.offset());
        // m2's sequence is an offset of the tenant's partition: the offset of its copy there.
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(java.util.Map.of("bootstrap.servers",
                Fixtures.bootstrap), new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(Topics.NOTIFICATIONS, tenantPartition);
            consumer.assign(List.of(p));
            consumer.seek(p, first.offset());
            List<ConsumerRecord<String, byte[]>> copies = new java.util.ArrayList<>();
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> {
                    if (tenant.equals(r.key()) && new String(r.value(), StandardCharsets.UTF_8).contains("\"m2\"")) {
                        copies.add(r);
                    }
                });
                return !copies.isEmpty();
            });
            assertThat(open.get(1).seq()).isEqualTo(copies.getFirst().offset());
        }
    }

    private static ProducerRecord<String, byte[]> record(String tenant, Integer partition, String json) {
        return new ProducerRecord<>(Topics.NOTIFICATIONS, partition, tenant, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String userMessage(String tenant, String id) {
        return "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant + "\",\"id\":\"" + id
                + "\",\"payload\":{}}";
    }

    @Test
    void roleMessageGoesOncePerGatewayToTheOnlineMembers() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim a = GatewaySim.create(); GatewaySim b = GatewaySim.create()) {
            roles.add(tenant, "ops", "alice");
            roles.add(tenant, "ops", "bob");
            roles.add(tenant, "ops", "carol");
            roles.add(tenant, "sales", "dave");
            online(tenant, "alice", a.id);
            online(tenant, "bob", a.id, b.id);
            online(tenant, "dave", a.id);

            Fixtures.sendNotification(tenant, "{\"targetType\":\"role\",\"target\":\"ops\",\"tenant\":\"" + tenant
                    + "\",\"type\":\"order_update\",\"payload\":{\"n\":1}}");

            await().atMost(WAIT).until(() -> a.pushes().size() >= 1 && b.pushes().size() >= 1);
            assertThat(a.pushes().getFirst().userIds()).containsExactlyInAnyOrder("alice", "bob");
            assertThat(b.pushes().getFirst().userIds()).containsExactly("bob");
            assertThat(frame(a.pushes().getFirst()).get("type").stringValue()).isEqualTo("order_update");
            // Encoded once: every gateway gets the same frame.
            assertThat(a.pushes().getFirst().frame()).isEqualTo(b.pushes().getFirst().frame());
        }
    }

    @Test
    void aRoleMessageIsStoredAndRoutedOneGroupOfRecipientsAtATime() {
        // 1,500 members: two groups (1,000 and 500). The first group's users are routed before the second is written.
        String tenant = "t-" + Fixtures.uid();
        List<String> members = IntStream.range(0, 1_500).mapToObj(i -> String.format("m%04d", i)).toList();
        roles.addAll(tenant, "everyone", members);

        Fixtures.sendNotification(tenant, "{\"targetType\":\"role\",\"target\":\"everyone\",\"tenant\":\"" + tenant
                + "\",\"type\":\"announcement\",\"payload\":{}}");

        await().atMost(WAIT).until(() -> Mockito.mockingDetails(gatewayRouter).getInvocations().stream()
                .filter(i -> i.getMethod().getName().equals("toUsers")
                        && ((GatewayRouter.Outgoing) i.getArgument(0)).tenant().equals(tenant))
                .count() == 2);
        InOrder order = Mockito.inOrder(deliveryStore, gatewayRouter);
        order.verify(deliveryStore).insertFanoutGroups(argThat(groups -> usersOf(groups).equals(members.subList(0, 1_000))));
        order.verify(gatewayRouter).toUsers(argThat(o -> o.tenant().equals(tenant)), eq(members.subList(0, 1_000)));
        order.verify(deliveryStore).insertFanoutGroups(argThat(groups -> usersOf(groups).equals(members.subList(1_000, 1_500))));
        order.verify(gatewayRouter).toUsers(argThat(o -> o.tenant().equals(tenant)), eq(members.subList(1_000, 1_500)));
    }

    @Test
    void oneBatchsRecipientsAreWrittenInBatchOrderAroundARoleMessage() {
        // One batch [M4 to u, role R5 including u, M6 to u]. A connect replays what is stored when it runs, so the writes
        // must follow the batch: M4's delivery, then R5's group, then M6's delivery. Before, M4 and M6 were written
        // together first, and a connect between the writes replayed M6 and got R5 live after it. (Checked on the writes,
        // not by stubbing the shared store spy to connect in between: stubbing a spy that listener and sweeper threads
        // call at the same moment is not safe in Mockito.)
        String tenant = "t-" + Fixtures.uid();
        roles.add(tenant, "ops", "u");

        ingestProcessor.ingest(List.of(
                batchRecord(tenant, 0, "{\"targetType\":\"user\",\"target\":\"u\",\"id\":\"m4\",\"payload\":{}}"),
                batchRecord(tenant, 1, "{\"targetType\":\"role\",\"target\":\"ops\",\"id\":\"r5\",\"payload\":{}}"),
                batchRecord(tenant, 2, "{\"targetType\":\"user\",\"target\":\"u\",\"id\":\"m6\",\"payload\":{}}")));

        InOrder order = Mockito.inOrder(deliveryStore);
        order.verify(deliveryStore).insertDeliveries(argThat(rows -> messageIds(rows, tenant).equals(List.of("m4"))));
        order.verify(deliveryStore).insertFanoutGroups(argThat(groups -> messageIds(groups, tenant).equals(List.of("r5"))));
        order.verify(deliveryStore).insertDeliveries(argThat(rows -> messageIds(rows, tenant).equals(List.of("m6"))));
    }

    private static List<String> messageIds(List<Document> docs, String tenant) {
        return docs == null ? List.of() : docs.stream().filter(d -> tenant.equals(d.getString("tenant")))
                .map(d -> d.getString("messageId")).toList();
    }

    /**
     * One record of a batch handed to the ingest directly (so the three are surely one batch), where the tenant's records
     * sit: keyed by the tenant, in its partition; offsets far above the topic's, unique to the tenant anyway.
     */
    private static ConsumerRecord<String, byte[]> batchRecord(String tenant, int n, String json) {
        int partition = IngestProcessor.tenantPartition(tenant, PlatformTopics.NOTIFICATION_PARTITIONS);
        byte[] value = json.replace("{\"targetType\"", "{\"tenant\":\"" + tenant + "\",\"targetType\"")
                .getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(Topics.NOTIFICATIONS, partition, 1_000_000_000L + n, System.currentTimeMillis(),
                TimestampType.CREATE_TIME, tenant.length(), value.length, tenant, value, new RecordHeaders(), Optional.empty());
    }

    private static List<String> usersOf(List<Document> groups) {
        return groups.stream().flatMap(g -> g.getList("users", String.class).stream()).toList();
    }

    @Test
    void allGoesToEveryGatewayHoldingTheTenantAndNoOther() {
        String tenant = "t-" + Fixtures.uid();
        String other = "t-" + Fixtures.uid();
        try (GatewaySim a = GatewaySim.create(); GatewaySim b = GatewaySim.create(); GatewaySim c = GatewaySim.create()) {
            online(tenant, "u1", a.id);
            online(tenant, "u2", b.id);
            online(other, "u3", c.id);

            Fixtures.sendNotification(tenant, "{\"targetType\":\"all\",\"tenant\":\"" + tenant + "\",\"payload\":{}}");

            await().atMost(WAIT).until(() -> a.pushes().size() >= 1 && b.pushes().size() >= 1);
            assertThat(a.pushes().getFirst().allOfTenant()).isTrue();
            assertThat(a.pushes().getFirst().tenant()).isEqualTo(tenant);
            assertThat(c.pushes()).isEmpty();
        }
    }

    @Test
    void sameUserIdAndRoleNameInTwoTenantsNeverMeet() {
        String t1 = "t-" + Fixtures.uid();
        String t2 = "t-" + Fixtures.uid();
        try (GatewaySim g1 = GatewaySim.create(); GatewaySim g2 = GatewaySim.create()) {
            online(t1, "same", g1.id);
            online(t2, "same", g2.id);
            roles.add(t1, "admins", "same");
            roles.add(t2, "admins", "same");

            Fixtures.sendNotification(t1, "{\"targetType\":\"user\",\"target\":\"same\",\"tenant\":\"" + t1
                    + "\",\"payload\":{\"k\":\"user\"}}");
            Fixtures.sendNotification(t1, "{\"targetType\":\"role\",\"target\":\"admins\",\"tenant\":\"" + t1
                    + "\",\"payload\":{\"k\":\"role\"}}");

            await().atMost(WAIT).until(() -> g1.pushes().size() >= 2);
            assertThat(g1.pushes()).allSatisfy(d -> assertThat(d.tenant()).isEqualTo(t1));
            // The user record of t1 was routed after the role record of t1 was stored; t2 has seen nothing.
            await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> g2.pushes().isEmpty());
        }
    }

    @Test
    void poisonRecordGoesToTheDltAndTheNextRecordIsRouted() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create(); DltReader dlt = new DltReader()) {
            online(tenant, "u", gateway.id);
            Fixtures.sendNotification(tenant, "{not json");
            Fixtures.sendNotification(tenant, "{\"targetType\":\"group\",\"target\":\"x\",\"payload\":{}}");
            Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                    + "\",\"payload\":{\"ok\":true}}");

            await().atMost(WAIT).until(() -> gateway.pushes().size() >= 1);
            await().atMost(WAIT).until(() -> dlt.received().stream().filter(r -> tenant.equals(r.key())).count() == 2);
            List<ConsumerRecord<String, byte[]>> mine = dlt.received().stream().filter(r -> tenant.equals(r.key())).toList();
            assertThat(new String(mine.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
            assertThat(header(mine.get(0), Topics.DLT_REASON_HEADER)).isEqualTo("body: is not valid JSON");
            assertThat(header(mine.get(1), Topics.DLT_REASON_HEADER)).startsWith("targetType:");
            assertThat(header(mine.get(1), Topics.DLT_TOPIC_HEADER)).isEqualTo(Topics.NOTIFICATIONS);
            assertThat(header(mine.get(1), Topics.DLT_PARTITION_HEADER)).matches("\\d+");
            assertThat(Long.parseLong(header(mine.get(1), Topics.DLT_OFFSET_HEADER)))
                    .isGreaterThan(Long.parseLong(header(mine.get(0), Topics.DLT_OFFSET_HEADER)));
        }
    }

    @Test
    void aPoisonRecordTooLargeToDeadLetterWithItsHeadersIsDeadLetteredWithoutItsValueAndTheStreamMovesOn() {
        String tenant = "t-" + Fixtures.uid();
        // Not JSON, and as large as the producer's max.request.size allows as it is: with the DLT's headers added it is
        // over that limit, so the DLT send fails with RecordTooLargeException.
        byte[] key = tenant.getBytes(StandardCharsets.UTF_8);
        int overhead = AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE,
                key, new byte[0], new Header[0]);
        byte[] huge = new byte[MAX_REQUEST_SIZE - overhead - 16];
        java.util.Arrays.fill(huge, (byte) 'x');
        try (GatewaySim gateway = GatewaySim.create(); DltReader dlt = new DltReader()) {
            online(tenant, "u", gateway.id);
            Fixtures.sendNotification(tenant, new String(huge, StandardCharsets.UTF_8));
            Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                    + "\",\"payload\":{\"after\":true}}");

            await().atMost(WAIT).until(() -> gateway.pushes().size() >= 1);
            await().atMost(WAIT).until(() -> dlt.received().stream().anyMatch(r -> tenant.equals(r.key())));
            ConsumerRecord<String, byte[]> dead = dlt.received().stream().filter(r -> tenant.equals(r.key())).findFirst().orElseThrow();
            assertThat(dead.value()).isNull();
            assertThat(header(dead, DeadLetters.ORIGINAL_SIZE_HEADER)).isEqualTo(String.valueOf(huge.length));
            assertThat(header(dead, Topics.DLT_REASON_HEADER)).isEqualTo("body: is not valid JSON");
            assertThat(header(dead, Topics.DLT_TOPIC_HEADER)).isEqualTo(Topics.NOTIFICATIONS);
            assertThat(header(dead, Topics.DLT_OFFSET_HEADER)).matches("\\d+");
        }
    }

    @Test
    void transientMessageHasNoIdInItsFrameAndIsNotStored() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            online(tenant, "u", gateway.id);
            Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                    + "\",\"id\":\"live-1\",\"persistent\":false,\"type\":\"online_status\",\"payload\":{}}");

            await().atMost(WAIT).until(() -> gateway.pushes().size() == 1);
            GatewayDelivery d = gateway.pushes().getFirst();
            assertThat(d.persistent()).isFalse();
            assertThat(d.messageId()).isNull();
            assertThat(frame(d).has("id")).isFalse();
            assertThat(status(tenant, "live-1")).isNull();
        }
    }

    @Test
    void recordWhoseProcessingKeepsFailingGoesToTheDltAfterRetriesAndTheStreamMovesOn() {
        String tenant = "t-" + Fixtures.uid();
        roles.failMembers(tenant, "explode", new IllegalStateException("directory exploded"));
        try (GatewaySim gateway = GatewaySim.create(); DltReader dlt = new DltReader()) {
            online(tenant, "u", gateway.id);
            Fixtures.sendNotification(tenant, "{\"targetType\":\"role\",\"target\":\"explode\",\"tenant\":\"" + tenant
                    + "\",\"payload\":{}}");
            Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                    + "\",\"payload\":{}}");

            await().atMost(WAIT).until(() -> gateway.pushes().size() >= 1);
            await().atMost(WAIT).until(() -> dlt.received().stream().anyMatch(r -> tenant.equals(r.key())));
            ConsumerRecord<String, byte[]> dead = dlt.received().stream().filter(r -> tenant.equals(r.key())).findFirst().orElseThrow();
            assertThat(header(dead, Topics.DLT_REASON_HEADER)).contains("processing failed").contains("directory exploded");
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).contains("explode");
            assertThat(roles.membersCalls(tenant, "explode")).as("the batch, then each try alone").isGreaterThanOrEqualTo(1 + 3);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
