package com.ims.notification.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.devplatform.TestPlatform;
import com.ims.protocol.TargetType;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fan-out groups on the Mongo-wire store: a role message to more members than one group holds keeps exact per-recipient
 * state through receipts, concurrent writers, replay, expiry and latecomers.
 */
class FanoutStoreTest {

    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");
    private static MongoClient client;
    private DeliveryStore store;
    private final String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestPlatform.shared().mongoUri("fanout-test"));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private DeliveryStore store() {
        if (store == null) {
            store = new DeliveryStore(client.getDatabase("fanout-test"));
            store.ensureIndexes(Duration.ofDays(1));
        }
        return store;
    }

    private StoredMessage message(String id, long seq, TargetType type, Instant expiresAt) {
        StoredMessage m = new StoredMessage(Keys.message(tenant, id), tenant, id, type, "ops", "t", "{}", NOW, expiresAt, seq);
        store().insertMessages(List.of(m));
        return m;
    }

    private int insertFanout(StoredMessage m, List<String> recipients, Instant now, Instant nextAttemptAt) {
        return store().insertFanoutGroups(store().newFanoutGroups(m, recipients, now, nextAttemptAt));
    }

    private static List<String> users(int n) {
        return IntStream.range(0, n).mapToObj(i -> "u" + i).toList();
    }

    private List<String> keys(StoredMessage m, List<String> users) {
        return users.stream().map(u -> Keys.delivery(m.key(), u)).toList();
    }

    @Test
    void roleMessageToMoreMembersThanAGroupHoldsKeepsEachRecipientsState() {
        int members = DeliveryStore.FANOUT_GROUP_SIZE * 2 + 500;
        StoredMessage m = message("m1", 10, TargetType.ROLE, null);
        assertThat(insertFanout(m, users(members), NOW, NOW.plusSeconds(30))).isEqualTo(members);
        assertThat(insertFanout(m, users(members), NOW, NOW.plusSeconds(30))).as("a retried batch adds nothing").isZero();

        List<String> delivered = users(members).subList(0, 2_000);
        List<String> acked = users(members).subList(1_000, 1_500);
        long[] changed = store().applyReceipts(keys(m, delivered), keys(m, acked), NOW);
        assertThat(changed).as("{left DELIVERED, ACKED}").containsExactly(1_500, 500);
        // Repeated receipts and receipts of strangers change nothing.
        assertThat(store().applyReceipts(keys(m, delivered), keys(m, List.of("stranger")), NOW)).containsExactly(0, 0);

        assertThat(store().counts(m.key())).containsAllEntriesOf(Map.of(DeliveryStatus.PENDING, (long) members - 2_000,
                DeliveryStatus.DELIVERED, 1_500L, DeliveryStatus.ACKED, 500L, DeliveryStatus.EXPIRED, 0L));
        assertThat(store().status(Keys.delivery(m.key(), "u1200"))).contains(DeliveryStatus.ACKED);
        assertThat(store().status(Keys.delivery(m.key(), "u2400"))).contains(DeliveryStatus.PENDING);
        assertThat(store().status(Keys.delivery(m.key(), "stranger"))).isEmpty();

        List<OpenDelivery> open = store().openDeliveries(tenant, List.of("u1200", "u1600", "u2499"));
        assertThat(open).extracting(OpenDelivery::userId).containsExactlyInAnyOrder("u1600", "u2499");
        assertThat(open).allSatisfy(d -> assertThat(Keys.isFanoutEntry(d.key())).isTrue());
        assertThat(store().countUnread(tenant, "u1600", NOW)).isEqualTo(1);
        assertThat(store().userDeliveries(tenant, "u1200", EnumSet.of(DeliveryStatus.ACKED), null, 10, NOW))
                .extracting(UserDelivery::messageId).containsExactly("m1");
    }

    @Test
    void concurrentReceiptsForOneGroupAreAllKept() throws Exception {
        StoredMessage m = message("m2", 20, TargetType.ROLE, null);
        insertFanout(m, users(400), NOW, null);
        List<CompletableFuture<long[]>> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            List<String> mine = users(400).subList(w * 100, w * 100 + 100);
            writers.add(CompletableFuture.supplyAsync(() -> {
                long acked = 0;
                for (int i = 0; i < mine.size(); i += 10) {
                    acked += store().applyReceipts(List.of(), keys(m, mine.subList(i, i + 10)), NOW)[1];
                }
                return new long[] {acked};
            }));
        }
        long total = 0;
        for (CompletableFuture<long[]> f : writers) {
            total += f.get()[0];
        }
        assertThat(total).isEqualTo(400);
        assertThat(store().counts(m.key())).containsEntry(DeliveryStatus.ACKED, 400L).containsEntry(DeliveryStatus.PENDING, 0L);
    }

    @Test
    void expiryClosesOpenEntriesOnlyAndAcksCannotReopenThem() {
        StoredMessage m = message("m3", 30, TargetType.ROLE, NOW.plusSeconds(5));
        insertFanout(m, users(3), NOW, NOW.plusSeconds(1));
        store().applyReceipts(List.of(), keys(m, List.of("u0")), NOW);
        assertThat(store().dueForRedelivery(NOW.plusSeconds(2), 100)).extracting(OpenDelivery::userId).contains("u1", "u2");

        assertThat(store().expireDue(NOW.plusSeconds(6))).isGreaterThanOrEqualTo(2);
        assertThat(store().applyReceipts(List.of(), keys(m, List.of("u1")), NOW.plusSeconds(7))).containsExactly(0, 0);
        assertThat(store().counts(m.key())).containsEntry(DeliveryStatus.ACKED, 1L).containsEntry(DeliveryStatus.EXPIRED, 2L);
        assertThat(store().openDeliveries(tenant, List.of("u1", "u2"))).isEmpty();
        assertThat(store().dueForRedelivery(NOW.plusSeconds(60), 100)).noneMatch(d -> d.messageKey().equals(m.key()));
    }

    @Test
    void latecomerGetsAGroupOfItsOwnOnceAndSendTimeRecipientsNone() {
        StoredMessage m = message("m4", 40, TargetType.ALL, null);
        insertFanout(m, List.of("online1", "online2"), NOW, NOW.plusSeconds(30));
        Map<StoredMessage, List<String>> wanted = Map.of(m, List.of("online1", "away"));
        assertThat(store().insertLateFanout(wanted, NOW)).isEqualTo(1);
        assertThat(store().insertLateFanout(wanted, NOW)).isZero();

        assertThat(store().openDeliveries(tenant, List.of("away", "online1"))).extracting(OpenDelivery::userId)
                .containsExactlyInAnyOrder("away", "online1");
        assertThat(store().applyReceipts(List.of(), keys(m, List.of("away", "online1")), NOW)).containsExactly(0, 2);
        assertThat(store().counts(m.key())).containsEntry(DeliveryStatus.ACKED, 2L).containsEntry(DeliveryStatus.PENDING, 1L);
        assertThat(store().markAckedBy(tenant, "online2", Set.of("m4"), NOW)).isEqualTo(1);
        assertThat(entry("away").deliveredAt()).as("a gateway's ACKED receipt says delivered").isEqualTo(NOW);
        assertThat(entry("online2").deliveredAt()).as("an ack through the inbox API does not").isNull();
    }

    @Test
    void anEntryDeliveredEarlierKeepsItsDeliveryTimeWhenAcked() {
        StoredMessage m = message("m5", 50, TargetType.ROLE, null);
        insertFanout(m, List.of("x1"), NOW, NOW.plusSeconds(30));
        store().applyReceipts(keys(m, List.of("x1")), List.of(), NOW);
        assertThat(store().applyReceipts(List.of(), keys(m, List.of("x1")), NOW.plusSeconds(5))).containsExactly(0, 1);
        assertThat(entry("x1").deliveredAt()).isEqualTo(NOW);
        assertThat(entry("x1").ackedAt()).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void aGroupStoredAsArraysIsReadAndTakesTheCompactFormAtItsNextChange() {
        StoredMessage m = message("m6", 60, TargetType.ROLE, null);
        List<String> users = List.of("a1", "a2", "a3");
        // the form groups had before their per-recipient state was compacted: three arrays parallel to users
        Document old = new Document("_id", Keys.fanoutGroup(m.key(), "0")).append("messageKey", m.key())
                .append("tenant", tenant).append("messageId", m.messageId()).append("seq", m.seq()).append("late", false)
                .append("users", users).append("status", List.of("ACKED", "DELIVERED", "PENDING"))
                .append("deliveredAt", java.util.Arrays.asList(Date.from(NOW), Date.from(NOW.plusSeconds(1)), null))
                .append("ackedAt", java.util.Arrays.asList(Date.from(NOW.plusSeconds(2)), null, null))
                .append("done", false).append("createdAt", Date.from(NOW)).append("expiresAt", null)
                .append("attempts", 1).append("nextAttemptAt", Date.from(NOW.plusSeconds(30))).append("v", 0L);
        client.getDatabase("fanout-test").getCollection("fanouts").insertOne(old);

        assertThat(entry("a1").status()).isEqualTo(DeliveryStatus.ACKED);
        assertThat(entry("a1").ackedAt()).isEqualTo(NOW.plusSeconds(2));
        assertThat(entry("a2").deliveredAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(entry("a3").status()).isEqualTo(DeliveryStatus.PENDING);

        assertThat(store().applyReceipts(List.of(), keys(m, List.of("a3")), NOW.plusSeconds(3))).containsExactly(0, 1);
        Document now = client.getDatabase("fanout-test").getCollection("fanouts").find(new Document("_id", old.getString("_id"))).first();
        assertThat(now.get("status")).isEqualTo("ADA");
        assertThat(now.get("deliveredAt")).isInstanceOf(Binary.class);
        assertThat(entry("a1").ackedAt()).isEqualTo(NOW.plusSeconds(2));
        assertThat(entry("a2").deliveredAt()).isEqualTo(NOW.plusSeconds(1));
        assertThat(entry("a2").ackedAt()).isNull();
        assertThat(entry("a3").deliveredAt()).as("an ack over a socket implies delivery").isEqualTo(NOW.plusSeconds(3));
        assertThat(entry("a3").ackedAt()).isEqualTo(NOW.plusSeconds(3));
    }

    @Test
    void aNewGroupsTimesTakeNoRoomUntilAnEntryHasOne() {
        StoredMessage m = message("m7", 70, TargetType.ROLE, null);
        insertFanout(m, users(1_000), NOW, NOW.plusSeconds(30));
        Document group = client.getDatabase("fanout-test").getCollection("fanouts").find(new Document("messageKey", m.key())).first();
        assertThat(group.getString("status")).hasSize(1_000).matches("P+");
        assertThat(group.get("ackedAt", Binary.class).getData()).isEmpty();

        store().applyReceipts(List.of(), keys(m, List.of("u0", "u1")), NOW);
        group = client.getDatabase("fanout-test").getCollection("fanouts").find(new Document("messageKey", m.key())).first();
        // users are sorted as strings: u0, u1, u10, ...; only the first two have times, so only they take room
        assertThat(group.get("ackedAt", Binary.class).getData()).hasSize(2 * Long.BYTES);
        assertThat(group.getString("status")).startsWith("AAP");
    }

    @Test
    void recipientsAreSortedOnlyWhenTheyDoNotComeSortedAlready() {
        assertThat(FanoutStore.sortedDistinct(List.of("a", "b", "c"))).isTrue();
        assertThat(FanoutStore.sortedDistinct(List.of("a", "a", "c"))).as("a repeat").isFalse();
        assertThat(FanoutStore.sortedDistinct(List.of("u10", "u2", "u1"))).isFalse();
        // MongoDB sorts strings by their UTF-8 bytes, Java by UTF-16 units: they disagree here, and Java's order wins
        assertThat(FanoutStore.sortedDistinct(List.of("\uFF21", "\uD83D\uDE00"))).isFalse();

        StoredMessage m = message("m8", 80, TargetType.ROLE, null);
        List<String> unsorted = List.of("z", "a", "m", "a");
        List<Document> groups = store().newFanoutGroups(m, unsorted, NOW, null);
        assertThat(groups).singleElement().satisfies(g -> assertThat(g.getList("users", String.class)).containsExactly("a", "m", "z"));
    }

    private UserDelivery entry(String userId) {
        return store().userDeliveries(tenant, userId, EnumSet.allOf(DeliveryStatus.class), null, 10, NOW).getFirst();
    }
}
