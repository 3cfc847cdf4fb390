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
import java.util.Comparator;
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
import com.ims.protocol.TargetType;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery state in MongoDB: {@code messages} (one document per persistent message), {@code deliveries} (one per
 * message to a user and its recipient) and {@code fanouts} (the recipients of role and broadcast messages, in groups:
 * {@link FanoutStore}). Callers see one kind of delivery either way: keys tell the two apart ({@link Keys#isFanoutEntry}).
 * Every write is an unordered bulk insert or a conditional update with a deterministic id, so a
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

    /** Recipients per fan-out group: a receipt poll rewrites each group it touches once, whatever it acks in it. */
    static final int FANOUT_GROUP_SIZE = 1_000;
    /** Message keys whose target type is remembered, so that receipts need not read the message to know its kind. */
    private static final int KIND_CACHE = 100_000;

    private final MongoDatabase database;
    private final MongoCollection<Document> messages;
    private final MongoCollection<Document> deliveries;
    private final FanoutStore fanouts;
    private final Map<String, Boolean> fanoutByMessage = java.util.Collections.synchronizedMap(
            new java.util.LinkedHashMap<>(1_024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > KIND_CACHE;
                }
            });

    public DeliveryStore(MongoDatabase database) {
        this.database = database;
        this.messages = database.getCollection("messages");
        this.deliveries = database.getCollection("deliveries");
        this.fanouts = new FanoutStore(database.getCollection("fanouts"), FANOUT_GROUP_SIZE);
    }

    /** Idempotent; run at start. The TTL indexes enforce {@code retention} on real MongoDB only. */
    public void ensureIndexes(Duration retention) {
        deliveries.createIndex(Indexes.ascending("tenant", "userId", "status", "seq"));
        deliveries.createIndex(Indexes.ascending("status", "nextAttemptAt"));
        deliveries.createIndex(Indexes.ascending("messageKey"));
        retentionIndex(deliveries, retention);
        messages.createIndex(Indexes.ascending("tenant", "targetType", "seq"));
        retentionIndex(messages, retention);
        fanouts.ensureIndexes();
        retentionIndex(fanouts.collection(), retention);
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
        // Only what this insert stored: a duplicate's kind is the stored message's, not this record's (a user message's
        // id repeated as a role message must not send the user message's receipts to fan-out groups).
        for (int i = 0; i < batch.size(); i++) {
            if (!duplicates.contains(i)) {
                fanoutByMessage.put(batch.get(i).key(), batch.get(i).targetType() != TargetType.USER);
            }
        }
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
     * The fan-out group documents of a role or broadcast message (see {@link FanoutStore}), for
     * {@link #insertFanoutGroups}.
     *
     * @param nextAttemptAt set when some recipient was routed live just now (the redelivery clock runs), null otherwise
     */
    public List<Document> newFanoutGroups(StoredMessage message, List<String> recipients, Instant now, Instant nextAttemptAt) {
        return fanouts.newGroups(message, recipients, now, nextAttemptAt);
    }

    /** Inserts fan-out groups in one unordered bulk; one that exists already is left as it is. Returns the new recipients. */
    public int insertFanoutGroups(List<Document> groups) {
        return fanouts.insert(groups);
    }

    /**
     * Gives each (broadcast, user) pair that no group holds yet a group of its own; a pair already held, by a send-time
     * group or by an earlier call, is left as it is. Returns how many were new.
     *
     * @param wanted message key → the users who should have it
     */
    public int insertLateFanout(Map<StoredMessage, List<String>> wanted, Instant now) {
        if (wanted.isEmpty()) {
            return 0;
        }
        Set<String> users = new HashSet<>();
        wanted.values().forEach(users::addAll);
        Set<String> present = fanouts.present(wanted.keySet().stream().map(StoredMessage::key).toList(), users);
        List<Document> docs = new ArrayList<>();
        wanted.forEach((m, userIds) -> userIds.forEach(u -> {
            if (!present.contains(Keys.delivery(m.key(), u))) {
                docs.add(FanoutStore.lateGroup(m, u, now));
            }
        }));
        return fanouts.insert(docs);
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
        return openDeliveriesAfter(tenant, userId, -1, limit); // sequences are offsets, never negative
    }

    /**
     * A user's unacknowledged deliveries of messages after {@code afterSeq}, oldest first, at most {@code limit}: the next
     * page of a paged replay. Expired ones may be among them: callers skip them.
     */
    public List<OpenDelivery> openDeliveriesAfter(String tenant, String userId, long afterSeq, int limit) {
        List<OpenDelivery> out = new ArrayList<>();
        deliveries.find(Filters.and(Filters.eq("tenant", tenant), Filters.eq("userId", userId), Filters.in("status", OPEN),
                        Filters.gt("seq", afterSeq)))
                .sort(Sorts.ascending("seq"))
                .limit(limit)
                .forEach(d -> out.add(OpenDelivery.fromDocument(d)));
        out.addAll(fanouts.openAfter(tenant, userId, afterSeq, limit));
        out.sort(Comparator.comparingLong(OpenDelivery::seq));
        return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
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
        out.addAll(fanouts.open(tenant, userIds));
        out.sort(Comparator.comparingLong(OpenDelivery::seq)); // chunks and kinds are each sorted, not together
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
        Map<String, Integer> byGroup = new HashMap<>();
        List<WriteModel<Document>> updates = new ArrayList<>(attemptsByKey.size());
        attemptsByKey.forEach((key, previousAttempts) -> {
            if (Keys.isFanoutEntry(key)) {
                byGroup.merge(Keys.groupOf(key), previousAttempts, Math::max);
                return;
            }
            int attempts = previousAttempts + 1;
            updates.add(new UpdateOneModel<>(Filters.and(Filters.eq("_id", key), Filters.in("status", OPEN)),
                    Updates.combine(Updates.set("attempts", attempts),
                            Updates.set("nextAttemptAt", Date.from(now.plus(backoff(attempts, first, max)))))));
        });
        if (!updates.isEmpty()) {
            deliveries.bulkWrite(updates, new BulkWriteOptions().ordered(false));
        }
        fanouts.markSent(byGroup, now, first, max);
    }

    /**
     * Starts (or brings forward) the redelivery timer of deliveries that a replay left out, so that the sweeper sends
     * them while the user is online. A timer already due earlier is kept: this never postpones a re-send.
     *
     * @param dueByKey delivery key → when it should be sent at the latest
     */
    public void scheduleBy(Map<String, Instant> dueByKey) {
        Map<String, Instant> byGroup = new HashMap<>();
        List<WriteModel<Document>> updates = new ArrayList<>(dueByKey.size() * 2);
        dueByKey.forEach((key, due) -> {
            if (Keys.isFanoutEntry(key)) {
                byGroup.merge(Keys.groupOf(key), due, (a, b) -> a.isBefore(b) ? a : b);
                return;
            }
            Bson open = Filters.and(Filters.eq("_id", key), Filters.in("status", OPEN));
            updates.addAll(notLaterThan(open, due));
        });
        if (!updates.isEmpty()) {
            deliveries.bulkWrite(updates, new BulkWriteOptions().ordered(false));
        }
        fanouts.scheduleBy(byGroup);
    }

    /**
     * Sets {@code nextAttemptAt} to {@code due} on what {@code filter} selects where it is unset or later: two updates
     * rather than one with {@code $or}, which the embedded store would answer with a scan instead of the {@code _id}.
     */
    static List<WriteModel<Document>> notLaterThan(Bson filter, Instant due) {
        Date at = Date.from(due);
        return List.of(
                new UpdateOneModel<>(Filters.and(filter, Filters.eq("nextAttemptAt", null)), Updates.set("nextAttemptAt", at)),
                new UpdateOneModel<>(Filters.and(filter, Filters.gt("nextAttemptAt", at)), Updates.set("nextAttemptAt", at)));
    }

    /** first, 2×first, 4×first, ... capped at max. */
    static Duration backoff(int attempts, Duration first, Duration max) {
        int doublings = Math.min(Math.max(attempts - 1, 0), 30);
        Duration d = first.multipliedBy(1L << doublings);
        return d.compareTo(max) > 0 ? max : d;
    }

    /** Deliveries of users found offline: no timer while they are away, replay on connect sends them. */
    public void unschedule(Collection<String> deliveryKeys) {
        List<String> rows = deliveryKeys.stream().filter(k -> !Keys.isFanoutEntry(k)).toList();
        for (List<String> chunk : chunks(rows)) {
            deliveries.updateMany(Filters.in("_id", chunk), Updates.set("nextAttemptAt", null));
        }
        fanouts.unschedule(deliveryKeys.stream().filter(Keys::isFanoutEntry).map(Keys::groupOf).distinct().toList());
    }

    /** Open deliveries whose redelivery time has come, earliest first. */
    public List<OpenDelivery> dueForRedelivery(Instant now, int limit) {
        List<OpenDelivery> out = new ArrayList<>();
        deliveries.find(Filters.and(Filters.in("status", OPEN), Filters.lte("nextAttemptAt", Date.from(now))))
                .sort(Sorts.ascending("nextAttemptAt"))
                .limit(limit)
                .forEach(d -> out.add(OpenDelivery.fromDocument(d)));
        if (out.size() < limit) {
            out.addAll(fanouts.due(now, limit - out.size()));
        }
        return out;
    }

    /** Marks open deliveries past their expiry as EXPIRED, in one update (and each fan-out group in one). */
    public long expireDue(Instant now) {
        return deliveries.updateMany(
                Filters.and(Filters.in("status", OPEN), Filters.lte("expiresAt", Date.from(now))),
                Updates.combine(Updates.set("status", DeliveryStatus.EXPIRED.name()), Updates.set("expiredAt", Date.from(now)),
                        Updates.set("nextAttemptAt", null)))
                .getModifiedCount() + fanouts.expireDue(now);
    }

    /**
     * Applies receipts given as delivery keys ({@link Keys#delivery}). An ACKED receipt says delivered too, so a delivery
     * with both in the batch gets one update and ends ACKED. Returns {changed to DELIVERED and left there, ACKED}.
     */
    public long[] applyReceipts(Collection<String> delivered, Collection<String> acked, Instant at) {
        // An ACKED receipt also says delivered: gateways hold DELIVERED receipts briefly and drop those whose ACKED one
        // came meanwhile (the usual case: a client acks within tens of milliseconds), so it records both in one update,
        // and a DELIVERED receipt of the same delivery in this batch has nothing left to do.
        Set<String> ackedKeys = new HashSet<>(acked);
        List<String> deliveredOnly = delivered.stream().filter(k -> !ackedKeys.contains(k)).toList();
        Set<String> messageKeys = new HashSet<>();
        deliveredOnly.forEach(k -> messageKeys.add(Keys.messageOf(k)));
        ackedKeys.forEach(k -> messageKeys.add(Keys.messageOf(k)));
        Set<String> fanout = fanoutMessages(messageKeys);
        Map<String, Set<String>> fanoutDelivered = new HashMap<>();
        Map<String, Set<String>> fanoutAcked = new HashMap<>();
        List<String> rowsDelivered = split(deliveredOnly, fanout, fanoutDelivered);
        List<String> rowsAcked = split(ackedKeys, fanout, fanoutAcked);
        long[] changed = fanouts.mark(fanoutDelivered, fanoutAcked, true, at);
        changed[0] += markDelivered(rowsDelivered, at);
        changed[1] += markDeliveredAndAcked(rowsAcked, at);
        return changed;
    }

    /** Rows' keys returned; fan-out ones added to {@code fanoutUsers} as message key → users. */
    private static List<String> split(Collection<String> keys, Set<String> fanout, Map<String, Set<String>> fanoutUsers) {
        List<String> rows = new ArrayList<>(keys.size());
        for (String key : keys) {
            String message = Keys.messageOf(key);
            if (fanout.contains(message)) {
                fanoutUsers.computeIfAbsent(message, m -> new HashSet<>()).add(Keys.userOf(key));
            } else {
                rows.add(key);
            }
        }
        return rows;
    }

    /** Which of these messages are role or broadcast messages, from the cache or else from {@code messages}. */
    private Set<String> fanoutMessages(Set<String> messageKeys) {
        Set<String> out = new HashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String key : messageKeys) {
            Boolean fanout = fanoutByMessage.get(key);
            if (fanout == null) {
                unknown.add(key);
            } else if (fanout) {
                out.add(key);
            }
        }
        for (List<String> chunk : chunks(unknown)) {
            for (Document d : messages.find(Filters.in("_id", chunk)).projection(Projections.include("targetType"))) {
                boolean fanout = !TargetType.USER.wireName().equals(d.getString("targetType"));
                fanoutByMessage.put(d.getString("_id"), fanout);
                if (fanout) {
                    out.add(d.getString("_id"));
                }
            }
        }
        return out;
    }

    /** DELIVERED only from PENDING; a receipt for an unknown or foreign delivery matches nothing. */
    long markDelivered(Collection<String> deliveryKeys, Instant at) {
        return conditionalSet(deliveryKeys, List.of(DeliveryStatus.PENDING.name()),
                Updates.combine(Updates.set("status", DeliveryStatus.DELIVERED.name()), Updates.set("deliveredAt", Date.from(at))));
    }

    /**
     * An ACKED receipt, which says delivered too: ACKED from PENDING or DELIVERED, never resurrecting an EXPIRED delivery;
     * {@code $min} sets {@code deliveredAt} on a PENDING delivery (which has none) and keeps the earlier one of a
     * DELIVERED delivery.
     */
    long markDeliveredAndAcked(Collection<String> deliveryKeys, Instant at) {
        return conditionalSet(deliveryKeys, OPEN,
                Updates.combine(Updates.set("status", DeliveryStatus.ACKED.name()), Updates.min("deliveredAt", Date.from(at)),
                        Updates.set("ackedAt", Date.from(at)), Updates.set("nextAttemptAt", null)));
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
        out.addAll(fanouts.userEntries(tenant, userId, statuses, beforeSeq, limit, now));
        out.sort(Comparator.comparingLong(UserDelivery::seq).reversed());
        return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
    }

    /** The user's PENDING and DELIVERED deliveries not past their expiry: the inbox's unread count. */
    public long countUnread(String tenant, String userId, Instant now) {
        return deliveries.countDocuments(Filters.and(Filters.eq("tenant", tenant), Filters.eq("userId", userId),
                statusAsSeenAt(EnumSet.of(DeliveryStatus.PENDING, DeliveryStatus.DELIVERED), now)))
                + fanouts.countUnread(tenant, userId, now);
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
        long rows = deliveries.bulkWrite(updates, new BulkWriteOptions().ordered(false)).getModifiedCount();
        return rows + fanouts.markAckedBy(userId, messageIds.stream().map(id -> Keys.message(tenant, id)).toList(), at);
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
        return d != null ? Optional.of(DeliveryStatus.valueOf(d.getString("status")))
                : fanouts.status(Keys.messageOf(deliveryKey), Keys.userOf(deliveryKey));
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
        fanouts.addCounts(messageKey, out);
        return out;
    }

    /** Retention in application logic, for stores without TTL indexes; harmless next to a TTL index. */
    public long purgeCreatedBefore(Instant cutoff) {
        long d = deliveries.deleteMany(Filters.lt("createdAt", Date.from(cutoff))).getDeletedCount();
        long f = fanouts.purgeCreatedBefore(cutoff);
        long m = messages.deleteMany(Filters.lt("createdAt", Date.from(cutoff))).getDeletedCount();
        if (d + f + m > 0) {
            log.info("retention purge deliveries={} fanoutGroups={} messages={} cutoff={}", d, f, m, cutoff);
        }
        return d + f + m;
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

    /** {@code values} in lists of at most {@link #IN_CHUNK}, one {@code $in} query each. */
    static <T> List<List<T>> chunks(Collection<T> values) {
        return chunks(values, IN_CHUNK);
    }

    private static <T> List<List<T>> chunks(Collection<T> values, int size) {
        List<List<T>> out = new ArrayList<>();
        List<T> current = new ArrayList<>(Math.min(values.size(), size));
        for (T v : values) {
            current.add(v);
            if (current.size() == size) {
                out.add(current);
                current = new ArrayList<>(size);
            }
        }
        if (!current.isEmpty()) {
            out.add(current);
        }
        return out;
    }
}
