package com.ims.notification.directory;

import com.ims.notification.store.Keys;
import com.ims.protocol.UserKey;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;
import java.time.Instant;
import java.util.Date;
import org.bson.Document;

/**
 * Every user seen connecting, per tenant, in {@code users}, with the user's broadcast watermark: the highest seq of an
 * {@code all} message already materialized as a delivery for that user.
 */
public class UserDirectory {

    /** Watermark of a user never seen: every unexpired broadcast still kept is materialized on the first connect. */
    public static final long NO_WATERMARK = -1L;
    /** {@code lastSeenAt} is kept to this resolution: a connect within it after the last one writes nothing. */
    static final java.time.Duration LAST_SEEN_RESOLUTION = java.time.Duration.ofMinutes(1);

    private final MongoCollection<Document> users;

    public UserDirectory(MongoCollection<Document> users) {
        this.users = users;
    }

    public void ensureIndexes() {
        users.createIndex(Indexes.ascending("tenant", "userId"));
    }

    /** Records the user as seen (creating it on first sight) and returns its broadcast watermark: {@link #rememberAll} of one. */
    public long remember(String tenant, String userId, Instant at) {
        return rememberAll(List.of(new UserKey(tenant, userId)), at).get(Keys.user(tenant, userId));
    }

    /**
     * {@link #remember} for many users of a connect batch: one {@code $in} read of the watermarks and last-seen times,
     * then one unordered bulk upsert of the users new or not seen within {@link #LAST_SEEN_RESOLUTION}. Returns user id →
     * watermark per tenant-qualified key ({@link Keys#user}).
     */
    public Map<String, Long> rememberAll(Collection<UserKey> batch, Instant at) {
        Map<String, Long> out = new HashMap<>();
        if (batch.isEmpty()) {
            return out;
        }
        Map<String, UserKey> byId = new LinkedHashMap<>();
        for (UserKey u : batch) {
            byId.put(Keys.user(u.tenant(), u.userId()), u);
        }
        Map<String, Date> lastSeen = new HashMap<>();
        for (String id : byId.keySet()) {
            out.put(id, NO_WATERMARK);
        }
        users.find(Filters.in("_id", new ArrayList<>(byId.keySet())))
                .projection(Projections.include("broadcastWatermark", "lastSeenAt")).forEach(d -> {
                    String id = d.getString("_id");
                    lastSeen.put(id, d.getDate("lastSeenAt"));
                    if (d.get("broadcastWatermark") instanceof Number n) {
                        out.put(id, n.longValue());
                    }
                });
        // A user seen within LAST_SEEN_RESOLUTION is not written again: in a reconnect storm every user was seen seconds
        // ago, and 10,000 upserts that change nothing but a timestamp were the bulk of the store's work per connect.
        Date stale = Date.from(at.minus(LAST_SEEN_RESOLUTION));
        List<WriteModel<Document>> writes = new ArrayList<>();
        byId.forEach((id, u) -> {
            Date seen = lastSeen.get(id);
            if (seen == null || seen.before(stale)) {
                writes.add(new UpdateOneModel<>(Filters.eq("_id", id),
                        Updates.combine(Updates.set("tenant", u.tenant()), Updates.set("userId", u.userId()),
                                Updates.set("lastSeenAt", Date.from(at)), Updates.setOnInsert("firstSeenAt", Date.from(at))),
                        new UpdateOptions().upsert(true)));
            }
        });
        if (!writes.isEmpty()) {
            users.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        }
        return out;
    }

    /** {@link #advanceWatermark} for many users in one unordered bulk; never lowers a watermark. */
    public void advanceWatermarks(Map<UserKey, Long> seqs) {
        List<WriteModel<Document>> writes = new ArrayList<>(seqs.size());
        seqs.forEach((u, seq) -> writes.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", Keys.user(u.tenant(), u.userId())),
                Filters.or(Filters.exists("broadcastWatermark", false), Filters.lt("broadcastWatermark", seq))),
                Updates.set("broadcastWatermark", seq))));
        if (!writes.isEmpty()) {
            users.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        }
    }

    /**
     * The user's broadcast watermark, creating the user on first sight without touching {@code lastSeenAt}: the inbox
     * reads it for users who may never have connected, and a connect is what "seen" means.
     */
    public long watermark(String tenant, String userId, Instant at) {
        Document d = users.findOneAndUpdate(Filters.eq("_id", Keys.user(tenant, userId)),
                Updates.combine(Updates.setOnInsert("tenant", tenant), Updates.setOnInsert("userId", userId),
                        Updates.setOnInsert("firstSeenAt", Date.from(at))),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        Object watermark = d == null ? null : d.get("broadcastWatermark");
        return watermark instanceof Number n ? n.longValue() : NO_WATERMARK;
    }

    /** Raises the watermark to {@code seq}; never lowers it (two connects racing keep the higher one). */
    public void advanceWatermark(String tenant, String userId, long seq) {
        String id = Keys.user(tenant, userId);
        users.updateOne(Filters.and(Filters.eq("_id", id),
                        Filters.or(Filters.exists("broadcastWatermark", false), Filters.lt("broadcastWatermark", seq))),
                Updates.set("broadcastWatermark", seq));
    }

    public long count(String tenant) {
        return users.countDocuments(Filters.eq("tenant", tenant));
    }
}
