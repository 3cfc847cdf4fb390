package com.ims.notification.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.devplatform.TestPlatform;
import com.ims.protocol.TargetType;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Receipts on one-document-per-recipient deliveries (user messages): an ACKED receipt is written as one update that
 * records delivery too (gateways drop the DELIVERED receipt of a delivery acked within their hold window), with or
 * without its DELIVERED receipt in the same batch, and keeps the first delivery time.
 */
class RowReceiptsTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static MongoClient client;
    private final String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    private DeliveryStore store;

    @BeforeAll
    static void connect() {
        client = MongoClients.create(TestPlatform.shared().mongoUri("row-receipts-test"));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private String deliver(String messageId, long seq, String userId) {
        if (store == null) {
            store = new DeliveryStore(client.getDatabase("row-receipts-test"));
            store.ensureIndexes(Duration.ofDays(1));
        }
        StoredMessage m = new StoredMessage(Keys.message(tenant, messageId), tenant, messageId, TargetType.USER, userId,
                "t", "{}", NOW, null, seq);
        store.insertMessages(List.of(m));
        store.insertDeliveries(List.of(DeliveryStore.newDelivery(m, userId, NOW, NOW.plusSeconds(30))));
        return Keys.delivery(m.key(), userId);
    }

    private UserDelivery only(String userId) {
        List<UserDelivery> all = store.userDeliveries(tenant, userId, EnumSet.allOf(DeliveryStatus.class), null, 10, NOW);
        assertThat(all).hasSize(1);
        return all.getFirst();
    }

    @Test
    void anAckedReceiptRecordsDeliveryWithOrWithoutItsDeliveredReceipt() {
        String both = deliver("m1", 1, "u1");
        String deliveredOnly = deliver("m2", 2, "u2");
        String ackedOnly = deliver("m3", 3, "u3");

        long[] changed = store.applyReceipts(List.of(both, deliveredOnly), List.of(both, ackedOnly), NOW);

        assertThat(changed).as("{delivered only, acked}").containsExactly(1, 2);
        assertThat(only("u1").status()).isEqualTo(DeliveryStatus.ACKED);
        assertThat(only("u1").deliveredAt()).isEqualTo(NOW);
        assertThat(only("u1").ackedAt()).isEqualTo(NOW);
        assertThat(only("u2").status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(only("u3").status()).isEqualTo(DeliveryStatus.ACKED);
        assertThat(only("u3").deliveredAt()).as("acked through a socket: delivered by then").isEqualTo(NOW);
    }

    @Test
    void aDeliveryDeliveredEarlierKeepsItsFirstDeliveryTimeWhenBothReceiptsComeAgain() {
        String key = deliver("m4", 4, "u4");
        store.applyReceipts(List.of(key), List.of(), NOW);

        long[] changed = store.applyReceipts(List.of(key), List.of(key), NOW.plusSeconds(5));

        assertThat(changed).containsExactly(0, 1);
        assertThat(only("u4").status()).isEqualTo(DeliveryStatus.ACKED);
        assertThat(only("u4").deliveredAt()).isEqualTo(NOW);
        assertThat(only("u4").ackedAt()).isEqualTo(NOW.plusSeconds(5));
        assertThat(store.applyReceipts(List.of(key), List.of(key), NOW.plusSeconds(9)))
                .as("an ACKED delivery is not written again").containsExactly(0, 0);
    }
}
