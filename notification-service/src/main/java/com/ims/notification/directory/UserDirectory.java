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
import java.util.LinkedHashSet;
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

    private final MongoCollection<Document> users;

    public UserDirectory(MongoCollection<Document> users) {
        this.users = users;
    }

    public void ensureIndexes() {
        users.createIndex(Indexes.ascending("tenant", "userId"));
    }

    /** Records the user as seen (creating it on first sight) and returns its broadcast watermark. */
    public long remember(String tenant, String userId, Instant at) {
        Document d = users.findOneAndUpdate(Filters.eq("_id", Keys.user(tenant, userId)),
                Updates.combine(Updates.set("tenant", tenant), Updates.set("userId", userId),
                        Updates.set("lastSeenAt", Date.from(at)), Updates.setOnInsert("firstSeenAt", Date.from(at))),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        Object watermark = d == null ? null : d.get("broadcastWatermark");
        return watermark instanceof Number n ? n.longValue() : NO_WATERMARK;
    }

    /**
     * {@link #remember} for many users of a connect batch: one unordered bulk upsert, then one {@code $in} read of the
     * watermarks. Returns user id → watermark per tenant-qualified key ({@link Keys#user}).
     */
    public Map<String, Long> rememberAll(Collection<UserKey> batch, Instant at) {
        Map<String, Long> out = new HashMap<>();
        if (batch.isEmpty()) {
            return out;
        }
        List<WriteModel<Document>> writes = new ArrayList<>(batch.size());
        List<String> ids = new ArrayList<>(batch.size());
        for (UserKey u : new LinkedHashSet<>(batch)) {
            String id = Keys.user(u.tenant(), u.userId());
            ids.add(id);
            writes.add(new UpdateOneModel<>(Filters.eq("_id", id),
                    Updates.combine(Updates.set("tenant", u.tenant()), Updates.set("userId", u.userId()),
                            Updates.set("lastSeenAt", Date.from(at)), Updates.setOnInsert("firstSeenAt", Date.from(at))),
                    new UpdateOptions().upsert(true)));
        }
        users.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        for (String id : ids) {
            out.put(id, NO_WATERMARK);
        }
        users.find(Filters.in("_id", ids)).projection(Projections.include("broadcastWatermark")).forEach(d -> {
            Object watermark = d.get("broadcastWatermark");
            if (watermark instanceof Number n) {
                out.put(d.getString("_id"), n.longValue());
            }
        });
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
