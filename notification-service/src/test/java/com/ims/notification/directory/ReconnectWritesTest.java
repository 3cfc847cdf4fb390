package com.ims.notification.directory;

import static org.assertj.core.api.Assertions.assertThat;

import com.ims.notification.store.Keys;
import com.ims.protocol.UserKey;
import com.mongodb.client.MongoDatabase;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a reconnect writes: nothing, when the user was seen within a minute and claims the roles it claimed before (a
 * storm of 10,000 reconnects is then reads only), while a first connect, a stale last-seen time and a changed claim are
 * still written.
 */
class ReconnectWritesTest {

    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    private static CommandCountingClient client;
    private final String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void connect() {
        client = new CommandCountingClient("reconnect-writes-test",
                event -> List.of("insert", "update", "delete").contains(event.getCommandName()));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private MongoDatabase db() {
        return client.db();
    }

    @Test
    void aUserSeenWithinAMinuteIsNotWrittenAgainAndKeepsItsWatermark() {
        UserDirectory users = new UserDirectory(db().getCollection("users"));
        List<UserKey> batch = List.of(new UserKey(tenant, "ann"), new UserKey(tenant, "bob"));
        users.rememberAll(batch, T0);
        users.advanceWatermarks(Map.of(new UserKey(tenant, "ann"), 42L));

        int before = client.count();
        Map<String, Long> watermarks = users.rememberAll(batch, T0.plusSeconds(30));
        assertThat(client.count()).as("a reconnect 30 s later writes nothing").isEqualTo(before);
        assertThat(watermarks).containsEntry(Keys.user(tenant, "ann"), 42L)
                .containsEntry(Keys.user(tenant, "bob"), UserDirectory.NO_WATERMARK);
        assertThat(lastSeen("ann")).isEqualTo(T0);
        assertThat(users.remember(tenant, "ann", T0.plusSeconds(40))).as("one connect, the same rule").isEqualTo(42L);
        assertThat(client.count()).isEqualTo(before);

        users.rememberAll(batch, T0.plusSeconds(90));
        assertThat(lastSeen("ann")).as("stale after a minute").isEqualTo(T0.plusSeconds(90));
        Document ann = db().getCollection("users").find(new Document("_id", Keys.user(tenant, "ann"))).first();
        assertThat(ann.getDate("firstSeenAt").toInstant()).isEqualTo(T0);
    }

    @Test
    void theSameRolesClaimedAgainWriteNothingAndAChangedClaimIsApplied() {
        RoleDirectory roles = new RoleDirectory(db().getCollection("role_members"), db().getCollection("role_versions"),
                200_000, java.time.Duration.ofSeconds(60), java.time.Clock.systemUTC());
        roles.learnFromClaims(tenant, Map.of("cy", List.of("ops", "sales"), "di", List.of("ops")));

        int before = client.count();
        roles.learnFromClaims(tenant, Map.of("cy", List.of("ops", "sales"), "di", List.of("ops")));
        assertThat(client.count()).as("the same claims again").isEqualTo(before);

        roles.learnFromClaims(tenant, Map.of("cy", List.of("ops"), "di", List.of("ops", "audit")));
        assertThat(roles.members(tenant, "sales")).isEmpty();
        assertThat(roles.members(tenant, "ops")).containsExactlyInAnyOrder("cy", "di");
        assertThat(roles.members(tenant, "audit")).containsExactly("di");
    }

    private Instant lastSeen(String userId) {
        return db().getCollection("users").find(new Document("_id", Keys.user(tenant, userId))).first()
                .getDate("lastSeenAt").toInstant();
    }
}
