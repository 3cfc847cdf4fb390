package com.ims.notification.store;

import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.client.MongoDatabase;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery state in MongoDB: {@code messages} (one document per persistent message) and {@code deliveries} (one per
 * message and recipient). Every write is an unordered bulk insert or a conditional update with a deterministic id, so a
 * batch processed twice (after a crash, before its offsets were committed) changes nothing the second time.
 *
 * @implNote The embedded store (mongo-java-server) enforces only unique indexes, so correctness rests on {@code _id}s
 *     and conditional updates; the secondary and TTL indexes are created anyway and serve real MongoDB. Expiry and
 *     retention are also done by the sweeper, so both stores behave the same.
 */
public class DeliveryStore {

    private static final Logger log = LoggerFactory.getLogger(DeliveryStore.class);
    private static final int DUPLICATE_KEY = 11000;
    /** Keys per {@code $in} query: keeps each command well under the 16 MiB BSON limit. */
    private static final int IN_CHUNK = 1_000;
    private static final List<String> OPEN = List.of(DeliveryStatus.PENDING.name(), DeliveryStatus.DELIVERED.name());

    /** MongoDB's code for "an index of this name exists with other options". */
    private static final int INDEX_OPTIONS_CONFLICT = 85;

    private final MongoDatabase database;
    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> deliveries;

    public DeliveryStore(MongoDatabase database) {
        this.database = database;
        this.messages = database.getCollection("messages");
        this.deliveries = database.getCollection("deliveries");
    }

    /** Idempotent; run at start. The TTL indexes enforce {@code retention} on real MongoDB only. */
    public void ensureIndexes(Duration retention) {
        deliveries.createIndex(Indexes.ascending("tenant", "userId", "status", "seq"));
        deliveries.createIndex(Indexes.ascending("status", "nextAttemptAt"));
        deliveries.createIndex(Indexes.ascending("messageKey"));
        retentionIndex(deliveries, retention);
        messages.createIndex(Indexes.ascending("tenant", "targetType", "seq"));
        retentionIndex(messages, retention);
    }

    /** The TTL index; when the retention setting changed since it was created, its expiry is changed in place. */
    private void retentionIndex(MongoCollection<Document> collection, Duration retention) {
        try {
            collection.createIndex(Indexes.ascending("createdAt"),
                    new IndexOptions().name("retention").expireAfter(retention.toSeconds(), TimeUnit.SECONDS));
        } catch (MongoCommandException e) {
            if (e.getErrorCode() != INDEX_OPTIONS_CONFLICT) {
                throw e;
            }
            log.info("changing retention index collection={} expireAfterSeconds={}",
                    collection.getNamespace().getCollectionName(), retention.toSeconds());
            database.runCommand(new Document("collMod", collection.getNamespace().getCollectionName())
                    .append("index", new Document("name", "retention").append("expireAfterSeconds", retention.toSeconds())));
        }
    }

    /** Inserts what is new; returns the keys that were already stored (duplicate key), which is not an error. */
    public Set<String> insertMessages(List<StoredMessage> batch) {
        if (batch.isEmpty()) {
            return Set.of();
        }
        List<Document> docs = batch.stream().map(StoredMessage::toDocument).toList();
        Set<Integer> duplicates = insertUnordered(messages, docs);
        Set<String> keys = new HashSet<>();
        for (int index : duplicates) {
            keys.add(batch.get(index).key());
        }
        return keys;
    }

    /** Inserts deliveries; one that exists already is left as it is. Returns how many were new. */
    public int insertDeliveries(List<Document> docs) {
        if (docs.isEmpty()) {
            return 0;
        }
        return docs.size() - insertUnordered(deliveries, docs).size();
    }

    /**
     * A new delivery document.
     *
     * @param nextAttemptAt set when it was routed live just now (the redelivery clock runs), null when the user was
     *                      offline (replay on connect sends it)
     */
    public static Document newDelivery(StoredMessage message, String userId, Instant createdAt, Instant nextAttemptAt) {
        return new Document("_id", Keys.delivery(message.key(), userId))
                .append("messageKey", message.key())
                .append("tenant", message.tenant())
                .append("userId", userId)
                .append("messageId", message.messageId())
                .append("seq", message.seq())
                .append("status", DeliveryStatus.PENDING.name())
                .append("createdAt", Date.from(createdAt))
                .append("attempts", nextAttemptAt != null ? 1 : 0)
                .append("nextAttemptAt", nextAttemptAt == null ? null : Date.from(nextAttemptAt))
                .append("expiresAt", message.expiresAt() == null ? null : Date.from(message.expiresAt()));
    }

    public Map<String, Long> seqs(Collection<String> messageKeys) {
        Map<String, Long> out = new HashMap<>();
        for (List<String> chunk : chunks(messageKeys)) {
            for (Document d : messages.find(Filters.in("_id", chunk)).projection(Projections.include("seq"))) {
                out.put(d.getString("_id"), ((Number) d.get("seq")).longValue());
            }
        }
        return out;
    }

    public Optional<StoredMessage> message(String messageKey) {
        return Optional.ofNullable(messages.find(Filters.eq("_id", messageKey)).first()).map(StoredMessage::fromDocument);
    }

    public Map<String, StoredMessage> messages(Collection<String> messageKeys) {
        Map<String, StoredMessage> out = new HashMap<>();
        for (List<String> chunk : chunks(new HashSet<>(messageKeys))) {
            for (Document d : messages.find(Filters.in("_id", chunk))) {
                out.put(d.getString("_id"), StoredMessage.fromDocument(d));
            }
        }
        return out;
    }

    /** A user's unacknowledged deliveries, oldest (lowest seq) first. Expired ones may be among them: callers skip them. */
    public List<OpenDelivery> openDeliveries(String tenant, String userId, int limit) {
        List<OpenDelivery> out = new ArrayList<>();
        deliveries.find(Filters.and(Filters.eq("tenant", tenant), Filters.eq("userId", userId), Filters.in("status", OPEN)))
                .sort(Sorts.ascending("seq"))
                .limit(limit)
                .forEach(d -> out.add(OpenDelivery.fromDocument(d)));
        return out;
    }

    /**
     * The unacknowledged deliveries of many users of one tenant, oldest first, in one query (a connect batch's replay);
     * callers group them per user and apply the per-user limit. Expired ones may be among them: callers skip them.
     */
    public List<OpenDelivery> openDeliveries(String tenant, Collection<String> userIds) {
        List<OpenDelivery> out = new ArrayList<>();
        for (List<String> chunk : chunks(new HashSet<>(userIds))) {
            deliveries.find(Filters.and(Filters.eq("tenant", tenant), Filters.in("userId", chunk), Filters.in("status", OPEN)))
                    .sort(Sorts.ascending("seq"))
                    .forEach(d -> out.add(OpenDelivery.fromDocument(d)));
        }
        if (out.size() > 1) {
            out.sort(java.util.Comparator.comparingLong(OpenDelivery::seq)); // chunks are each sorted, not together
        }
        return out;
    }

    /** The tenant's persistent {@code all} messages after {@code afterSeq}, oldest first; expired ones left out. */
    public List<StoredMessage> broadcastsAfter(String tenant, long afterSeq, Instant now) {
        List<StoredMessage> out = new ArrayList<>();
        messages.find(Filters.and(Filters.eq("tenant", tenant), Filters.eq("targetType", "all"), Filters.gt("seq", afterSeq)))
                .sort(Sorts.ascending("seq"))
                .forEach(d -> {
                    StoredMessage m = StoredMessage.fromDocument(d);
                    if (!m.expiredAt(now)) {
                        out.add(m);
                    }
                });
        return out;
    }

    /** Records one more send of each delivery and when to try again if no ack comes. */
    public void markSent(Map<String, Integer> attemptsByKey, Instant now, Duration first, Duration max) {
        if (attemptsByKey.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> updates = new ArrayList<>(attemptsByKey.size());
        attemptsByKey.forEach((key, previousAttempts) -> {
            int attempts = previousAttempts + 1;
            updates.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", key), Filters.in("status", OPEN)),
                    Updates.combine(Updates.set("attempts", attempts),
                            Updates.set("nextAttemptAt", Date.from(now.plus(backoff(attempts, first, max)))))));
        });
        deliveries.bulkWrite(updates, new BulkWriteOptions().ordered(false));
    }

    /** first, 2×first, 4×first, ... capped at max. */
    static Duration backoff(int attempts, Duration first, Duration max) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 30);
        Duration d = first.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }

    /** Deliveries of users found offline: no timer while they are away, replay on connect sends them. */
    public void unschedule(Collection<String> deliveryKeys) {
        for (List<String> chunk : chunks(deliveryKeys)) {
            deliveries.updateMany(Filters.in("_id", chunk), Updates.set("nextAttemptAt", null));
        }
    }

    /** Open deliveries whose redelivery time has come, earliest first. */
    public List<OpenDelivery> dueForRedelivery(Instant now, int limit) {
        List<OpenDelivery> out = new ArrayList<>();
        deliveries.find(Filters.and(Filters.in("status", OPEN), Filters.lte("nextAttemptAt", Date.from(now))))
                .sort(Sorts.ascending("nextAttemptAt"))
                .limit(limit)
                .forEach(d -> out.add(OpenDelivery.fromDocument(d)));
        return out;
    }

    /** Marks open deliveries past their expiry as EXPIRED, in one update. */
    public long expireDue(Instant now) {
        return deliveries.updateMany(
                Filters.and(Filters.in("status", OPEN), Filters.lte("expiresAt", Date.from(now))),
                Updates.combine(Updates.set("status", DeliveryStatus.EXPIRED.name()), Updates.set("expiredAt", Date.from(now)),
                        Updates.set("nextAttemptAt", null)))
                .getModifiedCount();
    }

    /** DELIVERED only from PENDING; a receipt for an unknown or foreign delivery matches nothing. */
    public long markDelivered(Collection<String> deliveryKeys, Instant at) {
        return conditionalSet(deliveryKeys, List.of(DeliveryStatus.PENDING.name()),
                Updates.combine(Updates.set("status", DeliveryStatus.DELIVERED.name()), Updates.set("deliveredAt", Date.from(at))));
    }

    /** ACKED from PENDING or DELIVERED; never resurrects an EXPIRED delivery. */
    public long markAcked(Collection<String> deliveryKeys, Instant at) {
        return conditionalSet(deliveryKeys, OPEN,
                Updates.combine(Updates.set("status", DeliveryStatus.ACKED.name()), Updates.set("ackedAt", Date.from(at)),
                        Updates.set("nextAttemptAt", null)));
    }

    private long conditionalSet(Collection<String> keys, List<String> fromStatuses, Bson update) {
        if (keys.isEmpty()) {
            return 0;
        }
        List<WriteModel<Document>> updates = new ArrayList<>(keys.size());
        for (String key : keys) {
            updates.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", key), Filters.in("status", fromStatuses)), update));
        }
        return deliveries.bulkWrite(updates, new BulkWriteOptions().ordered(false)).getModifiedCount();
    }

    /**
     * A user's deliveries for the inbox, newest (highest seq) first, only those below {@code beforeSeq} when it is given,
     * in the {@code statuses} as the user sees them at {@code now} (see {@link UserDelivery#statusAt}).
     *
     * @implNote Served by {@code {tenant, userId, status, seq}}: every filter names the statuses, so real MongoDB reads
     *     one index range per status and merges them by seq instead of sorting the user's whole history. The embedded
     *     store scans {@code deliveries}.
     */
    public List<UserDelivery> userDeliveries(String tenant, String userId, Set<DeliveryStatus> statuses, Long beforeSeq,
                                             int limit, Instant now) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("tenant", tenant), Filters.eq("userId", userId),
                statusAsSeenAt(statuses, now)));
        if (beforeSeq != null) {
            filters.add(Filters.lt("seq", beforeSeq));
        }
        List<UserDelivery> out = new ArrayList<>(Math.min(limit, 1_000));
        deliveries.find(Filters.and(filters))
                .sort(Sorts.descending("seq"))
                .limit(limit)
                .forEach(d -> out.add(UserDelivery.fromDocument(d)));
        return out;
    }

    /** The user's PENDING and DELIVERED deliveries not past their expiry: the inbox's unread count. */
    public long countUnread(String tenant, String userId, Instant now) {
        return deliveries.countDocuments(Filters.and(Filters.eq("tenant", tenant), Filters.eq("userId", userId),
                statusAsSeenAt(EnumSet.of(DeliveryStatus.PENDING, DeliveryStatus.DELIVERED), now)));
    }

    /**
     * ACKED from PENDING or DELIVERED, as receipts do, for the caller's own deliveries of {@code messageIds}. Returns how
     * many changed; an unknown id, another user's or another tenant's delivery, or one already acked or expired, none.
     *
     * @implNote The delivery key alone would do for ids the caller validated; matching {@code tenant} and {@code userId}
     *     too makes "own deliveries only" hold whatever characters the token's tenant and subject contain.
     */
    public long markAckedBy(String tenant, String userId, Collection<String> messageIds, Instant at) {
        if (messageIds.isEmpty()) {
            return 0;
        }
        Bson update = Updates.combine(Updates.set("status", DeliveryStatus.ACKED.name()), Updates.set("ackedAt", Date.from(at)),
                Updates.set("nextAttemptAt", null));
        List<WriteModel<Document>> updates = new ArrayList<>(messageIds.size());
        for (String id : messageIds) {
            updates.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", Keys.delivery(Keys.message(tenant, id), userId)),
                    Filters.eq("tenant", tenant), Filters.eq("userId", userId), Filters.in("status", OPEN)), update));
        }
        return deliveries.bulkWrite(updates, new BulkWriteOptions().ordered(false)).getModifiedCount();
    }

    /**
     * Deliveries whose status as the user sees it at {@code now} is one of {@code wanted}: an open delivery past its
     * expiry counts as EXPIRED, not as PENDING or DELIVERED, in the window before the sweeper marks it.
     */
    static Bson statusAsSeenAt(Set<DeliveryStatus> wanted, Instant now) {
        if (wanted.containsAll(EnumSet.allOf(DeliveryStatus.class))) {
            return Filters.in("status", Arrays.stream(DeliveryStatus.values()).map(Enum::name).toList());
        }
        Date at = Date.from(now);
        Bson unexpired = Filters.or(Filters.eq("expiresAt", null), Filters.gt("expiresAt", at));
        List<Bson> any = new ArrayList<>();
        for (DeliveryStatus s : wanted) {
            any.add(switch (s) {
                case PENDING, DELIVERED -> Filters.and(Filters.eq("status", s.name()), unexpired);
                case ACKED -> Filters.eq("status", s.name());
                case EXPIRED -> Filters.or(Filters.eq("status", s.name()),
                        Filters.and(Filters.in("status", OPEN), Filters.lte("expiresAt", at)));
            });
        }
        return any.size() == 1 ? any.getFirst() : Filters.or(any);
    }

    public Optional<DeliveryStatus> status(String deliveryKey) {
        Document d = deliveries.find(Filters.eq("_id", deliveryKey)).projection(Projections.include("status")).first();
        return d == null ? Optional.empty() : Optional.of(DeliveryStatus.valueOf(d.getString("status")));
    }

    /** Deliveries of one message by status. */
    public Map<DeliveryStatus, Long> counts(String messageKey) {
        Map<DeliveryStatus, Long> out = new HashMap<>();
        for (DeliveryStatus s : DeliveryStatus.values()) {
            out.put(s, 0L);
        }
        for (Document d : deliveries.find(Filters.eq("messageKey", messageKey)).projection(Projections.include("status"))) {
            out.merge(DeliveryStatus.valueOf(d.getString("status")), 1L, Long::sum);
        }
        return out;
    }

    /** Retention in application logic, for stores without TTL indexes; harmless next to a TTL index. */
    public long purgeCreatedBefore(Instant cutoff) {
        long d = deliveries.deleteMany(Filters.lt("createdAt", Date.from(cutoff))).getDeletedCount();
        long m = messages.deleteMany(Filters.lt("createdAt", Date.from(cutoff))).getDeletedCount();
        if (d + m > 0) {
            log.info("retention purge deliveries={} messages={} cutoff={}", d, m, cutoff);
        }
        return d + m;
    }

    /** Unordered insert; returns the indexes that hit an existing {@code _id}. Any other write error is thrown. */
    static Set<Integer> insertUnordered(MongoCollection<Document> collection, List<Document> docs) {
        try {
            collection.insertMany(docs, new InsertManyOptions().ordered(false));
            return Set.of();
        } catch (MongoBulkWriteException e) {
            Set<Integer> duplicates = new HashSet<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCode() != DUPLICATE_KEY) {
                    throw e;
                }
                duplicates.add(error.getIndex());
            }
            return duplicates;
        }
    }

    private static <T> List<List<T>> chunks(Collection<T> values) {
        List<List<T>> out = new ArrayList<>();
        List<T> current = new ArrayList<>(Math.min(values.size(), IN_CHUNK));
        for (T v : values) {
            current.add(v);
            if (current.size() == IN_CHUNK) {
                out.add(current);
                current = new ArrayList<>(IN_CHUNK);
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
