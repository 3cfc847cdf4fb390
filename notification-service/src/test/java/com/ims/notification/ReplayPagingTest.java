package com.ims.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.notification.Fixtures.GatewaySim;
import com.ims.notification.replay.ReplayService;
import com.ims.notification.store.OpenDelivery;
import com.ims.protocol.internal.GatewayDelivery;
import com.ims.protocol.internal.ReplayPage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.MongoTemplate;

/**
 * Replay in pages the gateway pulls (ReplayPage): one page per CONNECTED or REPLAY_NEXT, each cut at the offered frame
 * and byte sizes, and what is not sent yet scheduled for the sweeper in case the pulling stops.
 */
class ReplayPagingTest extends ServiceTestBase {

    @Autowired
    MongoTemplate mongo;

    @Test
    void aPagedReplaySendsOnePageAtATimeAndTheNextOnlyWhenTheGatewayAsks() {
        String tenant = "t-" + Fixtures.uid();
        store(tenant, "m1", "m2", "m3", "m4", "m5", "m6", "m7");
        Map<String, Long> seq = seqs(tenant, 7);
        try (GatewaySim gateway = GatewaySim.create()) {
            Fixtures.connected(gateway.id, tenant, "u", "c-u", ReplayPage.first(3, 1 << 20));

            await().atMost(WAIT).until(() -> gateway.replayMore("c-u").size() == 1);
            assertThat(replayedIds(gateway)).containsExactly("m1", "m2", "m3");
            ReplayPage second = gateway.replayMore("c-u").getFirst().replayPage();
            assertThat(second).isEqualTo(new ReplayPage(3, 1 << 20, seq.get("m3"), 3));
            // A later connect on the same partition is handled after this one: no page came for c-u meanwhile.
            Fixtures.connected(gateway.id, tenant, "probe", "c-probe", List.of());
            await().atMost(WAIT).until(() -> gateway.replayDone("c-probe"));
            assertThat(replayedIds(gateway)).as("nothing unasked").hasSize(3);
            assertThat(gateway.replayDone("c-u")).isFalse();

            Fixtures.replayNext(gateway.id, tenant, "u", "c-u", second);
            await().atMost(WAIT).until(() -> gateway.replayMore("c-u").size() == 2);
            assertThat(replayedIds(gateway)).containsExactly("m1", "m2", "m3", "m4", "m5", "m6");
            ReplayPage third = gateway.replayMore("c-u").get(1).replayPage();
            assertThat(third.afterSeq()).isEqualTo(seq.get("m6"));
            assertThat(third.replayed()).isEqualTo(6);

            Fixtures.replayNext(gateway.id, tenant, "u", "c-u", third);
            await().atMost(WAIT).until(() -> gateway.replayDone("c-u"));
            assertThat(replayedIds(gateway)).containsExactly("m1", "m2", "m3", "m4", "m5", "m6", "m7");
            assertThat(gateway.replayMore("c-u")).as("the last page ends the replay").hasSize(2);
        }
    }

    @Test
    void aPageStopsAtItsByteSizeButAlwaysCarriesAFrame() {
        String tenant = "t-" + Fixtures.uid();
        send(tenant, "s1", "{}");
        send(tenant, "big", "{\"text\":\"" + "y".repeat(2_000) + "\"}");
        send(tenant, "s2", "{}");
        seqs(tenant, 3);
        try (GatewaySim gateway = GatewaySim.create()) {
            Fixtures.connected(gateway.id, tenant, "u", "c-u", ReplayPage.first(10, 1_000));
            await().atMost(WAIT).until(() -> gateway.replayMore("c-u").size() == 1);
            assertThat(replayedIds(gateway)).as("the big frame would pass 1,000 bytes").containsExactly("s1");

            Fixtures.replayNext(gateway.id, tenant, "u", "c-u", gateway.replayMore("c-u").getFirst().replayPage());
            await().atMost(WAIT).until(() -> gateway.replayMore("c-u").size() == 2);
            assertThat(replayedIds(gateway)).as("alone, though larger than a page").containsExactly("s1", "big");

            Fixtures.replayNext(gateway.id, tenant, "u", "c-u", gateway.replayMore("c-u").get(1).replayPage());
            await().atMost(WAIT).until(() -> gateway.replayDone("c-u"));
            assertThat(replayedIds(gateway)).containsExactly("s1", "big", "s2");
        }
    }

    @Test
    void pagesKeepTheOrderOfRoleAndUserMessagesAndSkipAnAckedRoleEntry() {
        String tenant = "t-" + Fixtures.uid();
        roles.add(tenant, "ops", "u");
        roles.add(tenant, "ops", "v");
        send(tenant, "m1", "{}");
        sendToRole(tenant, "r1");
        sendToRole(tenant, "r2");
        send(tenant, "m2", "{}");
        sendToRole(tenant, "r3");
        send(tenant, "m3", "{}");
        seqs(tenant, 6);
        // u read r2 elsewhere (the inbox, say): its group stays open for v, but not for u.
        Fixtures.receipts("gw-other", com.ims.protocol.internal.ReceiptBatch.Kind.ACKED, tenant, "u", List.of("r2"));
        await().atMost(WAIT).until(() -> "ACKED".equals(recipientStatus(tenant, "r2", "u")));

        try (GatewaySim gateway = GatewaySim.create()) {
            Fixtures.connected(gateway.id, tenant, "u", "c-u", ReplayPage.first(2, 1 << 20));
            for (int pages = 1; !gateway.replayDone("c-u"); pages++) {
                int asked = pages;
                await().atMost(WAIT).until(() -> gateway.replayDone("c-u") || gateway.replayMore("c-u").size() == asked);
                if (!gateway.replayDone("c-u")) {
                    Fixtures.replayNext(gateway.id, tenant, "u", "c-u", gateway.replayMore("c-u").getLast().replayPage());
                }
            }
            assertThat(replayedIds(gateway)).containsExactly("m1", "r1", "m2", "r3", "m3");
            assertThat(gateway.replayMore("c-u")).as("pages of two").hasSize(2);
        }
    }

    @Test
    void nothingIsTimedWhilePagesComeAndWhatLiesPastTheLimitIsTimedWhenTheLastPageGoes() {
        // The context's limit is 10,000; a replay with a limit of 4 over the same store and router.
        ReplayService replay = new ReplayService(deliveryStore, gatewayRouter, 4, Duration.ofSeconds(30), Duration.ofMinutes(1), Runnable::run);
        String tenant = "t-" + Fixtures.uid();
        store(tenant, "m1", "m2", "m3", "m4", "m5", "m6", "m7");
        seqs(tenant, 7);
        try (GatewaySim gateway = GatewaySim.create()) {
            online(tenant, "u", gateway.id);
            replay.replayAll(tenant, List.of(new ReplayService.Connection("u", gateway.id, "c-u",
                    ReplayPage.first(3, 1 << 20))), Instant.now());
            // The timers are written inline here (Runnable::run): none for what the coming pages will carry, else the
            // sweeper would send it live into the connection's hold during a long replay.
            assertThat(List.of("m4", "m5", "m6", "m7")).allSatisfy(id -> assertThat(nextAttemptAt(tenant, id)).isNull());
            await().atMost(WAIT).until(() -> gateway.replayMore("c-u").size() == 1);
            ReplayPage next = gateway.replayMore("c-u").getFirst().replayPage();

            replay.nextPage(tenant, new ReplayService.Connection("u", gateway.id, "c-u", next), Instant.now());
            await().atMost(WAIT).until(() -> gateway.replayDone("c-u"));
            assertThat(replayedIds(gateway)).as("four at most, over both pages").containsExactly("m1", "m2", "m3", "m4");
            assertThat(List.of("m5", "m6", "m7")).allSatisfy(id -> assertThat(nextAttemptAt(tenant, id)).isNotNull());
        }
    }

    @Test
    void aPageThatCannotBeMadeLeavesTheRestOfTheReplayToTheSweeper() {
        ReplayService replay = new ReplayService(deliveryStore, gatewayRouter, 100, Duration.ofSeconds(30), Duration.ofMinutes(1), Runnable::run);
        String tenant = "t-" + Fixtures.uid();
        store(tenant, "m1", "m2", "m3", "m4", "m5");
        seqs(tenant, 5);
        try (GatewaySim gateway = GatewaySim.create()) {
            online(tenant, "u", gateway.id);
            replay.replayAll(tenant, List.of(new ReplayService.Connection("u", gateway.id, "c-u",
                    ReplayPage.first(2, 1 << 20))), Instant.now());
            await().atMost(WAIT).until(() -> gateway.replayMore("c-u").size() == 1);
            assertThat(nextAttemptAt(tenant, "m3")).as("paging: not timed").isNull();

            // What PresenceEventListener does when the page request for m3.. fails for good.
            replay.leaveRestToSweeper(tenant, "u", gateway.replayMore("c-u").getFirst().replayPage().afterSeq(), Instant.now());
            assertThat(List.of("m3", "m4", "m5")).allSatisfy(id -> assertThat(nextAttemptAt(tenant, id)).isNotNull());
        }
    }

    private static void store(String tenant, String... ids) {
        for (String id : ids) {
            send(tenant, id, "{}");
        }
    }

    private static void sendToRole(String tenant, String id) {
        Fixtures.sendNotification(tenant, "{\"targetType\":\"role\",\"target\":\"ops\",\"tenant\":\"" + tenant
                + "\",\"id\":\"" + id + "\",\"payload\":{}}");
    }

    private static void send(String tenant, String id, String payload) {
        Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                + "\",\"id\":\"" + id + "\",\"payload\":" + payload + "}");
    }

    /** Waits until all {@code count} are stored (while u is offline: no redelivery timers), then their sequences. */
    private Map<String, Long> seqs(String tenant, int count) {
        await().atMost(WAIT).until(() -> deliveryStore.openDeliveries(tenant, "u", 100).size() == count);
        return deliveryStore.openDeliveries(tenant, "u", 100).stream()
                .collect(Collectors.toMap(OpenDelivery::messageId, OpenDelivery::seq));
    }

    private static List<String> replayedIds(GatewaySim gateway) {
        return gateway.replayed("c-u").stream().map(GatewayDelivery::messageId).toList();
    }

    private Object nextAttemptAt(String tenant, String messageId) {
        Document d = mongo.getCollection("deliveries").find(new Document("tenant", tenant).append("messageId", messageId))
                .first();
        return d == null ? null : d.get("nextAttemptAt");
    }
}
