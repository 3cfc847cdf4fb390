package com.ims.notification.directory;

import com.ims.notification.store.Keys;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.bson.Document;

/**
 * Role membership per tenant, in {@code role_members}: one document per (tenant, role, user) holding where the membership
 * comes from. {@code admin} is set through the role API and stays until deleted there; {@code claim} mirrors the
 * {@code roles} claim of the user's last connect. A member is a document with either flag set.
 *
 * @implNote Two flags on one document rather than two documents: the member query stays one {@code find}, and learning a
 *     claim never touches what an administrator decided.
 */
public class RoleDirectory {

    private final MongoCollection<Document> members;

    public RoleDirectory(MongoCollection<Document> members) {
        this.members = members;
    }

    public void ensureIndexes() {
        members.createIndex(Indexes.ascending("tenant", "role", "userId"));
        members.createIndex(Indexes.ascending("tenant", "userId"));
    }

    public List<String> members(String tenant, String role) {
        List<String> out = new ArrayList<>();
        members.find(Filters.and(Filters.eq("tenant", tenant), Filters.eq("role", role)))
                .projection(Projections.include("userId"))
                .sort(Sorts.ascending("userId"))
                .forEach(d -> out.add(d.getString("userId")));
        return out;
    }

    /** Adds an administrator-managed membership; idempotent. */
    public void add(String tenant, String role, String userId) {
        members.updateOne(Filters.eq("_id", Keys.membership(tenant, role, userId)),
                Updates.combine(identity(tenant, role, userId), Updates.set("admin", true)),
                new UpdateOptions().upsert(true));
    }

    /** Removes the membership whatever its source; a later connect with the role in its claim learns it again. */
    public boolean remove(String tenant, String role, String userId) {
        return members.deleteOne(Filters.eq("_id", Keys.membership(tenant, role, userId))).getDeletedCount() > 0;
    }

    /** Many administrator-managed memberships at once (bulk loads, benchmarks). */
    public void addAll(String tenant, String role, Collection<String> userIds) {
        List<WriteModel<Document>> writes = new ArrayList<>(userIds.size());
        for (String userId : userIds) {
            writes.add(new UpdateOneModel<>(Filters.eq("_id", Keys.membership(tenant, role, userId)),
                    Updates.combine(identity(tenant, role, userId), Updates.set("admin", true)),
                    new UpdateOptions().upsert(true)));
        }
        if (!writes.isEmpty()) {
            members.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        }
    }

    /**
     * Makes the user's claim-sourced roles exactly {@code roles}: the token is the identity provider's current word.
     * Administrator-managed memberships stay.
     */
    public void learnFromClaim(String tenant, String userId, Collection<String> roles) {
        List<WriteModel<Document>> writes = new ArrayList<>(roles.size());
        for (String role : roles) {
            writes.add(new UpdateOneModel<>(Filters.eq("_id", Keys.membership(tenant, role, userId)),
                    Updates.combine(identity(tenant, role, userId), Updates.set("claim", true)),
                    new UpdateOptions().upsert(true)));
        }
        if (!writes.isEmpty()) {
            members.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        }
        members.updateMany(Filters.and(Filters.eq("tenant", tenant), Filters.eq("userId", userId),
                        Filters.eq("claim", true), Filters.nin("role", roles)),
                Updates.set("claim", false));
        members.deleteMany(Filters.and(Filters.eq("tenant", tenant), Filters.eq("userId", userId),
                Filters.ne("claim", true), Filters.ne("admin", true)));
    }

    /**
     * {@link #learnFromClaim} for a connect batch of one tenant: one {@code $in} read of the users' memberships, then
     * every change in one unordered bulk. Each user's claim-sourced roles become exactly its claim; memberships an
     * administrator set stay (only their {@code claim} flag drops).
     *
     * @param claims user id → the roles claim of that user's last CONNECTED event in the batch
     */
    public void learnFromClaims(String tenant, Map<String, ? extends Collection<String>> claims) {
        if (claims.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> writes = new ArrayList<>();
        // Memberships already claimed are left alone: a reconnect (the common case, 10,000 at once in a storm) claims
        // what it claimed before and writes nothing.
        Set<String> claimed = new HashSet<>();
        for (Document d : members.find(Filters.and(Filters.eq("tenant", tenant),
                Filters.in("userId", new ArrayList<>(claims.keySet()))))) {
            Collection<String> roles = claims.get(d.getString("userId"));
            if (roles == null || roles.contains(d.getString("role"))) {
                if (Boolean.TRUE.equals(d.get("claim"))) {
                    claimed.add(d.getString("_id"));
                }
                continue; // claimed below unless it already is
            }
            Object id = d.get("_id");
            if (Boolean.TRUE.equals(d.get("admin"))) {
                if (Boolean.TRUE.equals(d.get("claim"))) {
                    writes.add(new UpdateOneModel<>(Filters.eq("_id", id), Updates.set("claim", false)));
                }
            } else {
                // Filtered on admin so an administrator adding the membership meanwhile keeps it.
                writes.add(new DeleteOneModel<>(Filters.and(Filters.eq("_id", id), Filters.ne("admin", true))));
            }
        }
        claims.forEach((userId, roles) -> {
            for (String role : roles) {
                String id = Keys.membership(tenant, role, userId);
                if (!claimed.contains(id)) {
                    writes.add(new UpdateOneModel<>(Filters.eq("_id", id),
                            Updates.combine(identity(tenant, role, userId), Updates.set("claim", true)),
                            new UpdateOptions().upsert(true)));
                }
            }
        });
        if (!writes.isEmpty()) {
            members.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        }
    }

    private static org.bson.conversions.Bson identity(String tenant, String role, String userId) {
        return Updates.combine(Updates.set("tenant", tenant), Updates.set("role", role), Updates.set("userId", userId));
    }
}
