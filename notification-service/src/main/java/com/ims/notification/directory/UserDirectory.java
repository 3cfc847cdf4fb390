package com.ims.notification.directory;

import com.ims.notification.store.Keys;
import com.mongodb.client.MongoCollection;
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
