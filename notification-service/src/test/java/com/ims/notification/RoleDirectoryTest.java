package com.ims.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.notification.directory.RoleDirectory;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.stream.StreamSupport;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.mongodb.core.MongoTemplate;

/** The role directory API and role membership learned from the roles claim of connecting users. */
class RoleDirectoryTest extends ServiceTestBase {

    @Autowired
    MongoTemplate mongo;

    @Test
    void adminAddsListsAndRemovesMembersWithinTheTokensTenant() {
        String tenant = "t-" + Fixtures.uid();
        String token = admin(tenant);
        Instant beforePut = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(Fixtures.http("PUT", url("/api/v1/roles/ops/members/alice"), token, null).statusCode()).isEqualTo(204);
        // 204 came after a journaled checkpoint (Checkpoints), which makes the membership durable with it.
        Document checkpoint = mongo.getCollection("checkpoints").find(new Document("_id", "roles")).first();
        assertThat(checkpoint).isNotNull();
        assertThat(checkpoint.getDate("at").toInstant()).isAfterOrEqualTo(beforePut);
        assertThat(Fixtures.http("PUT", url("/api/v1/roles/ops/members/bob"), token, null).statusCode()).isEqualTo(204);
        assertThat(Fixtures.http("PUT", url("/api/v1/roles/ops/members/bob"), token, null).statusCode()).isEqualTo(204);

        assertThat(members(token, "ops", "")).containsExactly("alice", "bob");
        assertThat(Fixtures.http("DELETE", url("/api/v1/roles/ops/members/alice"), token, null).statusCode()).isEqualTo(204);
        assertThat(members(token, "ops", "")).containsExactly("bob");
        assertThat(Fixtures.http("DELETE", url("/api/v1/roles/ops/members/alice"), token, null).statusCode()).isEqualTo(404);
    }

    @Test
    void adminMayNameAnotherTenantAndTenantsStayApart() {
        String mine = "t-" + Fixtures.uid();
        String other = "t-" + Fixtures.uid();
        String token = admin(mine);
        Fixtures.http("PUT", url("/api/v1/roles/ops/members/zed?tenant=" + other), token, null);
        assertThat(members(token, "ops", "")).isEmpty();
        assertThat(members(token, "ops", "?tenant=" + other)).containsExactly("zed");
    }

    @Test
    void roleApiNeedsAdminScope() {
        String tenant = "t-" + Fixtures.uid();
        assertThat(Fixtures.http("GET", url("/api/v1/roles/ops/members"), publisher(tenant), null).statusCode()).isEqualTo(403);
        assertThat(Fixtures.http("PUT", url("/api/v1/roles/ops/members/x"), Fixtures.token("x", tenant, null), null)
                .statusCode()).isEqualTo(403);
        assertThat(Fixtures.http("GET", url("/api/v1/roles/ops/members"), null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void connectedEventTeachesTheClaimRolesAndKeepsAdminMemberships() {
        String tenant = "t-" + Fixtures.uid();
        roles.add(tenant, "auditors", "erin");
        Fixtures.connected("gw-x", tenant, "erin", "c1", List.of("ops", "sales"));
        await().atMost(WAIT).until(() -> roles.members(tenant, "sales").contains("erin"));
        assertThat(roles.members(tenant, "ops")).containsExactly("erin");

        // The next token no longer carries "sales": that claim membership goes, the admin one stays.
        Fixtures.connected("gw-x", tenant, "erin", "c2", List.of("ops"));
        await().atMost(WAIT).until(() -> roles.members(tenant, "sales").isEmpty());
        assertThat(roles.members(tenant, "ops")).containsExactly("erin");
        assertThat(roles.members(tenant, "auditors")).containsExactly("erin");
    }

    private List<String> members(String token, String role, String query) {
        HttpResponse<String> r = Fixtures.http("GET", url("/api/v1/roles/" + role + "/members" + query), token, null);
        assertThat(r.statusCode()).isEqualTo(200);
        return StreamSupport.stream(Fixtures.json(r).get("members").spliterator(), false).map(n -> n.stringValue()).toList();
    }
}
