package com.ims.notification.directory;

import com.ims.notification.store.Keys;
import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.bson.Document;

/**
 * Role membership per tenant, in {@code role_members}: one document per (tenant, role, user) holding where the membership
 * comes from. {@code admin} is set through the role API and stays until deleted there; {@code claim} mirrors the
 * {@code roles} claim of the user's last connect. A member is a document with either flag set.
 *
 * @implNote Two flags on one document rather than two documents: the member query stays one {@code find}, and learning a
 *     claim never touches what an administrator decided.
 * @implNote Member lists are cached, checked against a per-tenant version in {@code role_versions} that every membership
 *     change here increments after writing. Why: a role message resolves its members on the ingest path, and reading
 *     10,000 membership documents cost 45-50 ms per message on the embedded store (most of the time before the first
 *     recipient's delivery left), while the version check is one read by {@code _id}. The version lives in the store, so
 *     a change made through another notification-service instance is seen on the next read here. A message that
 *     races a change (read between the change's write and its version increment) uses the members from before it, as
 *     if it had come first. Changes made to {@code role_members} behind the service's back are seen after
 *     {@code maxAge} at the latest, as is a change whose increment failed (store outage).
 */
public class RoleDirectory {

    private final MongoCollection<Document> members;
    private final MongoCollection<Document> versions;
    private final MemberCache cache;

    /**
     * @param versions   {@code role_versions}: one document per tenant, {@code {_id: tenant, v: long}}
     * @param cacheLimit member ids the cache may hold over all its roles (least recently used roles go first)
     * @param maxAge     a cached list is read again after this, whatever the version says
     */
    public RoleDirectory(MongoCollection<Document> members, MongoCollection<Document> versions, int cacheLimit,
                         Duration maxAge, Clock clock) {
        this.members = members;
        this.versions = versions;
        this.cache = new MemberCache(cacheLimit, maxAge.toMillis(), clock);
    }

    public void ensureIndexes() {
        members.createIndex(Indexes.ascending("tenant", "role", "userId"));
        members.createIndex(Indexes.ascending("tenant", "userId"));
    }

    /** The role's members, sorted; an unmodifiable list (it may be the cached one). */
    public List<String> members(String tenant, String role) {
        // The version is read before the members: a change landing in between is cached under the older version and
        // read again next time, never the other way round.
        long version = version(tenant);
        List<String> cached = cache.get(tenant, role, version);
        if (cached != null) {
            return cached;
        }
        List<String> out = new ArrayList<>();
        members.find(Filters.and(Filters.eq("tenant", tenant), Filters.eq("role", role)))
                .projection(Projections.include("userId"))
                .sort(Sorts.ascending("userId"))
                .forEach(d -> out.add(d.getString("userId")));
        List<String> loaded = List.copyOf(out);
        cache.put(tenant, role, version, loaded);
        return loaded;
    }

    private long version(String tenant) {
        Document d = versions.find(Filters.eq("_id", tenant)).first();
        return d == null ? 0 : ((Number) d.get("v")).longValue();
    }

    /**
     * Runs a membership write of the tenant, then makes every instance's cached lists of the tenant stale: also when the
     * write failed, since an unordered bulk may have applied part of itself, and a retry that finds nothing left to
     * write (a connect's claims compared first, a second DELETE) would not change the version.
     */
    private <T> T changing(String tenant, Supplier<T> write) {
        T result;
        try {
            result = write.get();
        } catch (RuntimeException e) {
            try {
                changed(tenant);
            } catch (RuntimeException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
        changed(tenant);
        return result;
    }

    private void changed(String tenant) {
        cache.forget(tenant);
        for (int attempt = 1; ; attempt++) {
            try {
                versions.updateOne(Filters.eq("_id", tenant), Updates.inc("v", 1L), new UpdateOptions().upsert(true));
                return;
            } catch (MongoWriteException e) {
                // The first increments of a tenant may race to insert its document; the loser finds it on the retry.
                if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY || attempt == 2) {
                    throw e;
                }
            }
        }
    }

    /** Adds an administrator-managed membership; idempotent. */
    public void add(String tenant, String role, String userId) {
        changing(tenant, () -> members.updateOne(Filters.eq("_id", Keys.membership(tenant, role, userId)),
                Updates.combine(identity(tenant, role, userId), Updates.set("admin", true)),
                new UpdateOptions().upsert(true)));
    }

    /** Removes the membership whatever its source; a later connect with the role in its claim learns it again. */
    public boolean remove(String tenant, String role, String userId) {
        return changing(tenant, () ->
                members.deleteOne(Filters.eq("_id", Keys.membership(tenant, role, userId))).getDeletedCount() > 0);
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
            changing(tenant, () -> members.bulkWrite(writes, new BulkWriteOptions().ordered(false)));
        }
    }

    /**
     * Makes the user's claim-sourced roles exactly {@code roles}: the token is the identity provider's current word.
     * Administrator-managed memberships stay.
     */
    public void learnFromClaim(String tenant, String userId, Collection<String> roles) {
        applyClaims(tenant, Map.of(userId, roles));
    }

    /**
     * {@link #learnFromClaim} for a connect batch of one tenant: one {@code $in} read of the users' memberships, then
     * every change in one unordered bulk. Each user's claim-sourced roles become exactly its claim; memberships an
     * administrator set stay (only their {@code claim} flag drops).
     *
     * @param claims user id → the roles claim of that user's last CONNECTED event in the batch
     */
    public void learnFromClaims(String tenant, Map<String, ? extends Collection<String>> claims) {
        applyClaims(tenant, claims);
    }

    /** Both entry points share this, not each other: the per-event path is the fallback when the batch path fails. */
    private void applyClaims(String tenant, Map<String, ? extends Collection<String>> claims) {
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
            changing(tenant, () -> members.bulkWrite(writes, new BulkWriteOptions().ordered(false)));
        }
    }

    private static org.bson.conversions.Bson identity(String tenant, String role, String userId) {
        return Updates.combine(Updates.set("tenant", tenant), Updates.set("role", role), Updates.set("userId", userId));
    }

    /**
     * Member lists by (tenant, role) with the tenant version they were read at, least recently used evicted first once
     * they hold more than {@code limit} ids in all.
     */
    private static final class MemberCache {

        private record Entry(long version, long loadedAt, List<String> members) {
        }

        private final int limit;
        private final long maxAgeMillis;
        private final Clock clock;
        private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
        private long held;

        MemberCache(int limit, long maxAgeMillis, Clock clock) {
            this.limit = limit;
            this.maxAgeMillis = maxAgeMillis;
            this.clock = clock;
        }

        synchronized List<String> get(String tenant, String role, long version) {
            Entry e = entries.get(key(tenant, role));
            if (e == null || e.version != version || clock.millis() - e.loadedAt >= maxAgeMillis) {
                return null;
            }
            return e.members;
        }

        synchronized void put(String tenant, String role, long version, List<String> members) {
            String key = key(tenant, role);
            Entry existing = entries.get(key);
            if (existing != null && existing.version > version) {
                return; // a slower read of an older version
            }
            if (members.size() > limit) {
                if (existing != null) {
                    entries.remove(key);
                    held -= existing.members.size();
                }
                return;
            }
            entries.put(key, new Entry(version, clock.millis(), members));
            held += members.size() - (existing == null ? 0 : existing.members.size());
            var eldest = entries.entrySet().iterator();
            while (held > limit && eldest.hasNext()) {
                held -= eldest.next().getValue().members.size();
                eldest.remove();
            }
        }

        synchronized void forget(String tenant) {
            String prefix = tenant + '\u001f';
            var it = entries.entrySet().iterator();
            while (it.hasNext()) {
                var e = it.next();
                if (e.getKey().startsWith(prefix)) {
                    held -= e.getValue().members.size();
                    it.remove();
                }
            }
        }

        private static String key(String tenant, String role) {
            return tenant + '\u001f' + role;
        }
    }
}
