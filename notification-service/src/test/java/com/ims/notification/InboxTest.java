package com.ims.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.notification.Fixtures.GatewaySim;
import com.ims.protocol.internal.ReceiptBatch;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.MongoTemplate;
import tools.jackson.databind.JsonNode;

/** {@code /api/v1/inbox}: a user's own notifications, newest first, with unread count and acknowledgement over HTTP. */
class InboxTest extends ServiceTestBase {

    @Autowired
    MongoTemplate mongo;

    private static String userMessage(String tenant, String user, String id, String extra) {
        return "{\"targetType\":\"user\",\"target\":\"" + user + "\",\"tenant\":\"" + tenant + "\",\"id\":\"" + id
                + "\",\"type\":\"order_update\",\"payload\":{\"id\":\"" + id + "\",\"tenant\":\"" + tenant + "\"}" + extra + "}";
    }

    private static void send(String tenant, String user, String... ids) {
        for (String id : ids) {
            Fixtures.sendNotification(tenant, userMessage(tenant, user, id, ""));
        }
    }

    private static String user(String tenant, String userId) {
        return Fixtures.token(userId, tenant, null);
    }

    private HttpResponse<String> get(String token, String query) {
        return Fixtures.http("GET", url("/api/v1/inbox" + query), token, null);
    }

    private JsonNode page(String token, String query) {
        HttpResponse<String> r = get(token, query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Fixtures.json(r);
    }

    private List<String> ids(String token, String query) {
        return idsOf(page(token, query).get("items"));
    }

    private static List<String> idsOf(JsonNode items) {
        List<String> out = new ArrayList<>();
        items.forEach(item -> out.add(item.get("id").stringValue()));
        return out;
    }

    private long unread(String token) {
        HttpResponse<String> r = Fixtures.http("GET", url("/api/v1/inbox/unread-count"), token, null);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return Fixtures.json(r).get("unread").asLong();
    }

    private HttpResponse<String> ack(String token, String body) {
        return Fixtures.http("POST", url("/api/v1/inbox/ack"), token, body);
    }

    private void awaitInbox(String token, int count) {
        await().atMost(WAIT).until(() -> ids(token, "").size() == count);
    }

    @Test
    void listsTheCallersOwnNotificationsNewestFirstAndNobodyElses() {
        String tenant = "t-" + Fixtures.uid();
        String otherTenant = "t-" + Fixtures.uid();
        send(tenant, "u", "m1", "m2", "m3");
        send(tenant, "v", "v1");
        send(otherTenant, "u", "m1");
        String u = user(tenant, "u");
        String uElsewhere = user(otherTenant, "u");
        awaitInbox(u, 3);
        awaitInbox(uElsewhere, 1);

        JsonNode page = page(u, "?userId=v");
        assertThat(ids(u, "?userId=v")).as("the user comes from the token, never the query").containsExactly("m3", "m2", "m1");
        JsonNode newest = page.get("items").get(0);
        assertThat(newest.get("type").stringValue()).isEqualTo("order_update");
        assertThat(newest.get("status").stringValue()).isEqualTo("PENDING");
        assertThat(newest.get("createdAt").stringValue()).isNotBlank();
        assertThat(newest.get("payload").get("id").stringValue()).isEqualTo("m3");
        assertThat(newest.get("ackedAt").isNull()).isTrue();
        assertThat(page.get("next").isNull()).isTrue();

        JsonNode elsewhere = page(uElsewhere, "").get("items");
        assertThat(elsewhere.size()).isEqualTo(1);
        assertThat(elsewhere.get(0).get("payload").get("tenant").stringValue())
                .as("same user and message id in another tenant is another notification").isEqualTo(otherTenant);
        assertThat(ids(user(tenant, "v"), "")).containsExactly("v1");
        assertThat(ids(user(tenant, "nobody"), "")).isEmpty();
    }

    @Test
    void statusFilterListsOnlyEntriesInThatStatus() {
        String tenant = "t-" + Fixtures.uid();
        send(tenant, "u", "a", "b", "c");
        Fixtures.sendNotification(tenant, userMessage(tenant, "u", "short", ",\"ttlSeconds\":1"));
        String u = user(tenant, "u");
        awaitInbox(u, 4);
        Fixtures.receipts("gw", ReceiptBatch.Kind.DELIVERED, tenant, "u", List.of("b"));
        assertThat(Fixtures.json(ack(u, "{\"ids\":[\"c\"]}")).get("acked").asLong()).isEqualTo(1);
        await().atMost(WAIT).until(() -> ids(u, "?status=DELIVERED").equals(List.of("b")));
        await().atMost(WAIT).until(() -> ids(u, "?status=EXPIRED").equals(List.of("short")));

        assertThat(ids(u, "?status=PENDING")).containsExactly("a");
        assertThat(ids(u, "?status=pending,delivered")).containsExactly("b", "a");
        JsonNode acked = page(u, "?status=ACKED").get("items");
        assertThat(acked.size()).isEqualTo(1);
        assertThat(acked.get(0).get("id").stringValue()).isEqualTo("c");
        assertThat(acked.get(0).get("status").stringValue()).isEqualTo("ACKED");
        assertThat(acked.get(0).get("ackedAt").stringValue()).isNotBlank();
        assertThat(ids(u, "")).containsExactly("short", "c", "b", "a");
    }

    @Test
    void pagesWithBeforeAndNextUntilTheOldestEntry() {
        String tenant = "t-" + Fixtures.uid();
        send(tenant, "u", IntStream.range(0, 5).mapToObj(i -> "n" + i).toArray(String[]::new));
        String u = user(tenant, "u");
        awaitInbox(u, 5);

        JsonNode first = page(u, "?limit=2");
        assertThat(idsOf(first.get("items"))).containsExactly("n4", "n3");
        String next = first.get("next").stringValue();
        JsonNode second = page(u, "?limit=2&before=" + next);
        assertThat(idsOf(second.get("items"))).containsExactly("n2", "n1");
        JsonNode last = page(u, "?limit=2&before=" + second.get("next").stringValue());
        assertThat(idsOf(last.get("items"))).containsExactly("n0");
        assertThat(last.get("next").isNull()).as("no older page").isTrue();
    }

    @Test
    void unreadCountGoesDownAfterAckAndSomeoneElsesIdsChangeNothing() {
        String tenant = "t-" + Fixtures.uid();
        String otherTenant = "t-" + Fixtures.uid();
        send(tenant, "u", "m1", "m2", "m3");
        send(tenant, "v", "v1");
        send(otherTenant, "u", "m1");
        String u = user(tenant, "u");
        String v = user(tenant, "v");
        String uElsewhere = user(otherTenant, "u");
        awaitInbox(u, 3);
        awaitInbox(v, 1);
        awaitInbox(uElsewhere, 1);
        assertThat(unread(u)).isEqualTo(3);

        Instant beforeAck = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        HttpResponse<String> r = ack(u, "{\"ids\":[\"m1\",\"m2\",\"m2\",\"v1\",\"unknown\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        // The answer came after a journaled checkpoint (Checkpoints), which makes the acks durable with it.
        Document checkpoint = mongo.getCollection("checkpoints").find(new Document("_id", "inbox")).first();
        assertThat(checkpoint).isNotNull();
        assertThat(checkpoint.getDate("at").toInstant()).isAfterOrEqualTo(beforeAck);
        assertThat(Fixtures.json(r).get("acked").asLong()).as("only the caller's own m1 and m2").isEqualTo(2);
        assertThat(unread(u)).isEqualTo(1);
        assertThat(Fixtures.json(ack(u, "{\"ids\":[\"m1\"]}")).get("acked").asLong()).as("already acked").isZero();

        assertThat(unread(v)).as("another user's id acked by u stays unread").isEqualTo(1);
        assertThat(page(v, "").get("items").get(0).get("status").stringValue()).isEqualTo("PENDING");
        assertThat(unread(uElsewhere)).as("the same id in another tenant stays unread").isEqualTo(1);
        assertThat(recipientStatus(otherTenant, "m1", "u")).isEqualTo("PENDING");
        assertThat(recipientStatus(tenant, "m1", "u")).isEqualTo("ACKED");
    }

    @Test
    void aKafkaRecordWithoutIdIsAckedThroughTheInboxByTheIdDerivedForIt() {
        String tenant = "t-" + Fixtures.uid();
        Fixtures.sendNotification(tenant, "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"" + tenant
                + "\",\"payload\":{}}");
        String u = user(tenant, "u");
        awaitInbox(u, 1);
        String derived = ids(u, "").getFirst();
        assertThat(derived).startsWith("~");

        HttpResponse<String> r = ack(u, "{\"ids\":[\"" + derived + "\"]}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(Fixtures.json(r).get("acked").asLong()).isEqualTo(1);
        assertThat(unread(u)).isZero();
        assertBad(ack(u, "{\"ids\":[\"a~b\"]}"), "ids");
    }

    @Test
    void badStatusLimitBeforeAndIdsAnswer400NamingTheField() {
        String u = user("t-" + Fixtures.uid(), "u");
        assertBad(get(u, "?status=READ"), "status");
        assertBad(get(u, "?status=PENDING,"), "status");
        assertBad(get(u, "?limit=0"), "limit");
        assertBad(get(u, "?limit=201"), "limit");
        assertBad(get(u, "?limit=ten"), "limit");
        assertBad(get(u, "?before=-1"), "before");
        assertBad(get(u, "?before=abc"), "before");
        assertThat(get(u, "?limit=200").statusCode()).isEqualTo(200);

        assertBad(ack(u, "{}"), "ids");
        assertBad(ack(u, "{\"ids\":\"m1\"}"), "ids");
        assertBad(ack(u, "{\"ids\":[1]}"), "ids");
        assertBad(ack(u, "{\"ids\":[\"a|b\"]}"), "ids");
        String tooMany = IntStream.range(0, 501).mapToObj(i -> "\"i" + i + "\"").reduce((a, b) -> a + "," + b).orElseThrow();
        assertBad(ack(u, "{\"ids\":[" + tooMany + "]}"), "ids");
        assertBad(ack(u, "not json"), "body");
        assertThat(Fixtures.json(ack(u, "{\"ids\":[]}")).get("acked").asLong()).isZero();
    }

    private static void assertBad(HttpResponse<String> r, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        JsonNode body = Fixtures.json(r);
        assertThat(body.get("error").stringValue()).isEqualTo("invalid_request");
        assertThat(body.get("field").stringValue()).isEqualTo(field);
        assertThat(body.get("message").stringValue()).isNotBlank();
    }

    @Test
    void everyInboxCallNeedsAValidToken() {
        for (String token : new String[] {null, "not-a-jwt"}) {
            assertThat(get(token, "").statusCode()).isEqualTo(401);
            assertThat(Fixtures.http("GET", url("/api/v1/inbox/unread-count"), token, null).statusCode()).isEqualTo(401);
            HttpResponse<String> r = ack(token, "{\"ids\":[\"m1\"]}");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(Fixtures.json(r).get("error").stringValue()).isEqualTo("unauthorized");
        }
    }

    @Test
    void broadcastShowsUpInTheInboxOfUsersWhoDidNotConnectSince() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create()) {
            Fixtures.sendNotification(tenant, "{\"targetType\":\"all\",\"tenant\":\"" + tenant + "\",\"id\":\"b1\",\"payload\":{\"n\":1}}");
            await().atMost(WAIT).until(() -> status(tenant, "b1") != null);
            Fixtures.connected(gateway.id, tenant, "away", "c1", List.of());
            await().atMost(WAIT).until(() -> gateway.replayDone("c1"));
            String away = user(tenant, "away");
            assertThat(ack(away, "{\"ids\":[\"b1\"]}").body()).contains("\"acked\":1");

            // Sent while "away" is offline, and "never" has not connected at all.
            Fixtures.sendNotification(tenant, "{\"targetType\":\"all\",\"tenant\":\"" + tenant + "\",\"id\":\"b2\",\"payload\":{\"n\":2}}");
            await().atMost(WAIT).until(() -> status(tenant, "b2") != null);
            JsonNode items = page(away, "").get("items");
            assertThat(idsOf(items)).containsExactly("b2", "b1");
            assertThat(items.get(0).get("status").stringValue()).isEqualTo("PENDING");
            assertThat(items.get(0).get("payload").get("n").asInt()).isEqualTo(2);
            assertThat(items.get(1).get("status").stringValue()).isEqualTo("ACKED");
            assertThat(unread(away)).isEqualTo(1);

            String never = user(tenant, "never");
            assertThat(unread(never)).isEqualTo(2);
            assertThat(ids(never, "")).containsExactly("b2", "b1");
            assertThat(Fixtures.json(ack(never, "{\"ids\":[\"b1\",\"b2\"]}")).get("acked").asLong()).isEqualTo(2);
            assertThat(unread(never)).isZero();

            // The connect that follows neither brings the acked broadcasts back nor doubles them.
            Fixtures.connected(gateway.id, tenant, "never", "c2", List.of());
            await().atMost(WAIT).until(() -> gateway.replayDone("c2"));
            assertThat(gateway.replayed("c2")).isEmpty();
            assertThat(ids(never, "")).containsExactly("b2", "b1");
            assertThat(status(tenant, "b1").get("acked").asLong()).isEqualTo(2);
        }
    }
}
