package com.ims.notification.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ims.notification.store.Keys;
import com.mongodb.client.MongoDatabase;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The role member cache: a role is read from {@code role_members} once and then served from memory while the tenant's
 * membership version stays the same; any change made through a RoleDirectory (this one or another instance's) is seen
 * on the next read, an edit behind its back after the maximum age, and the cache stays within its bound.
 */
class RoleDirectoryCacheTest {

    private static CommandCountingClient client;
    private final String tenant = "t" + UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong now = new AtomicLong(Instant.parse("2026-11-30T12:00:00Z").toEpochMilli());
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @BeforeAll
    static void connect() {
        // Finds of one role's members (filter on role), not the claim reads by user id.
        client = new CommandCountingClient("role-cache-test", event -> "find".equals(event.getCommandName())
                && "role_members".equals(event.getCommand().getString("find").getValue())
                && event.getCommand().getDocument("filter").toJson().contains("\"role\""));
    }

    @AfterAll
    static void close() {
        client.close();
    }

    private MongoDatabase db() {
        return client.db();
    }

    private RoleDirectory directory(int limit) {
        return new RoleDirectory(db().getCollection("role_members"), db().getCollection("role_versions"), limit,
                Duration.ofSeconds(60), clock);
    }

    @Test
    void anUnchangedRoleIsReadFromTheStoreOnceAndItsListCannotBeModified() {
        RoleDirectory roles = directory(1_000);
        roles.addAll(tenant, "ops", List.of("cy", "ann", "bob"));

        int before = client.count();
        assertThat(roles.members(tenant, "ops")).containsExactly("ann", "bob", "cy");
        assertThat(roles.members(tenant, "ops")).containsExactly("ann", "bob", "cy");
        assertThat(roles.members(tenant, "ops")).containsExactly("ann", "bob", "cy");
        assertThat(client.count() - before).as("member queries for three reads").isEqualTo(1);
        assertThatThrownBy(() -> roles.members(tenant, "ops").add("eve")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void everyKindOfChangeThroughAnotherInstanceIsSeenOnTheNextRead() {
        RoleDirectory here = directory(1_000);
        RoleDirectory there = directory(1_000); // another notification-service instance on the same store
        here.add(tenant, "ops", "ann");
        assertThat(here.members(tenant, "ops")).containsExactly("ann");

        there.add(tenant, "ops", "bob");
        assertThat(here.members(tenant, "ops")).as("after an add there").containsExactly("ann", "bob");
        there.remove(tenant, "ops", "ann");
        assertThat(here.members(tenant, "ops")).as("after a remove there").containsExactly("bob");
        there.learnFromClaim(tenant, "cy", List.of("ops"));
        assertThat(here.members(tenant, "ops")).as("after a connect's claim there").containsExactly("bob", "cy");
        there.learnFromClaims(tenant, Map.of("cy", List.of("sales")));
        assertThat(here.members(tenant, "ops")).as("after a batch of claims there").containsExactly("bob");
        assertThat(here.members(tenant, "sales")).containsExactly("cy");
        there.addAll(tenant, "ops", List.of("di"));
        assertThat(here.members(tenant, "ops")).as("after a bulk load there").containsExactly("bob", "di");
    }

    @Test
    void theSameClaimAgainKeepsTheCacheAndOtherTenantsAreNotInvalidated() {
        String other = tenant + "x";
        RoleDirectory roles = directory(1_000);
        roles.learnFromClaims(tenant, Map.of("ann", List.of("ops")));
        roles.add(other, "ops", "zed");
        roles.members(tenant, "ops");
        roles.members(other, "ops");

        int before = client.count();
        roles.learnFromClaims(tenant, Map.of("ann", List.of("ops"))); // a reconnect: writes nothing
        roles.learnFromClaim(tenant, "ann", List.of("ops"));
        roles.add(other, "ops", "yan");
        assertThat(roles.members(tenant, "ops")).containsExactly("ann");
        assertThat(client.count() - before).as("a claim that changes nothing keeps the list").isZero();
        assertThat(roles.members(other, "ops")).containsExactly("yan", "zed");
    }

    @Test
    void anEditMadeBehindTheServicesBackIsSeenAfterTheMaximumAge() {
        RoleDirectory roles = directory(1_000);
        roles.add(tenant, "ops", "ann");
        assertThat(roles.members(tenant, "ops")).containsExactly("ann");

        db().getCollection("role_members").insertOne(new Document("_id", Keys.membership(tenant, "ops", "bob"))
                .append("tenant", tenant).append("role", "ops").append("userId", "bob").append("admin", true));
        assertThat(roles.members(tenant, "ops")).as("no version change recorded").containsExactly("ann");
        now.addAndGet(Duration.ofSeconds(60).toMillis());
        assertThat(roles.members(tenant, "ops")).as("past the maximum age").containsExactly("ann", "bob");
    }

    @Test
    void theCacheHoldsAtMostItsLimitOfMemberIdsEvictingTheLeastRecentlyUsedRole() {
        RoleDirectory roles = directory(3);
        roles.addAll(tenant, "big", List.of("a", "b", "c", "d"));
        roles.addAll(tenant, "r1", List.of("a", "b"));
        roles.addAll(tenant, "r2", List.of("c", "d"));

        int before = client.count();
        roles.members(tenant, "big");
        roles.members(tenant, "big");
        assertThat(client.count() - before).as("a role over the limit is read every time").isEqualTo(2);

        roles.members(tenant, "r1");
        roles.members(tenant, "r2"); // 4 ids > 3: r1 goes
        before = client.count();
        assertThat(roles.members(tenant, "r2")).containsExactly("c", "d");
        assertThat(client.count() - before).as("r2 stays cached").isZero();
        assertThat(roles.members(tenant, "r1")).containsExactly("a", "b");
        assertThat(client.count() - before).as("r1 was evicted").isEqualTo(1);
    }
}
