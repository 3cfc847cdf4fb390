package com.ims.notification.store;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.Updates;
import com.mongodb.client.model.WriteModel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Delivery state of role and broadcast messages: {@code fanouts}, one document per message and group of up to
 * {@code groupSize} recipients ({@link FanoutGroup}) instead of one per recipient.
 *
 * @implNote Why: a role message to 10,000 online users as one document per recipient costs 10,000 inserts, then 10,000
 *     conditional updates for the DELIVERED receipts and 10,000 more for the acks, which on the 2-core benchmark machine
 *     took longer than the one-second interval between messages. As groups it is 10 inserts, and each poll of receipts
 *     changes each group it touches once (read, change in memory, compare-and-set on the version {@code v}, retried on
 *     a conflict). A user not in a send-time group (a broadcast's latecomer) gets a group of its own, {@code late},
 *     with a deterministic id, so adding it twice is a duplicate key. {@code done} (no open entry left) keeps the
 *     groups that need nothing out of replay, redelivery and expiry.
 */
public class FanoutStore {

    private static final int CAS_TRIES = 8;

    private final MongoCollection<Document> groups;
    private final int groupSize;

    FanoutStore(MongoCollection<Document> groups, int groupSize) {
        this.groups = groups;
        this.groupSize = groupSize;
    }

    void ensureIndexes() {
        groups.createIndex(Indexes.ascending("tenant", "done", "users", "seq"));
        groups.createIndex(Indexes.ascending("messageKey", "late"));
        groups.createIndex(Indexes.ascending("done", "nextAttemptAt"));
    }

    MongoCollection<Document> collection() {
        return groups;
    }

    /**
     * The groups of one message sent now: {@code recipients} sorted, so that a batch retried after a crash writes the same
     * groups, and cut into parts of {@code groupSize}.
     */
    List<Document> newGroups(StoredMessage m, List<String> recipients, Instant now, Instant nextAttemptAt) {
        // A role's members come sorted already (RoleDirectory); sorting 10,000 ids again was 7 % of this service's CPU
        // under fan-out. The store's order may differ from Java's for rare characters: then they are sorted here.
        List<String> sorted = sortedDistinct(recipients) ? recipients : new ArrayList<>(new java.util.TreeSet<>(recipients));
        List<Document> out = new ArrayList<>(sorted.size() / groupSize + 1);
        for (int from = 0, part = 0; from < sorted.size(); from += groupSize, part++) {
            List<String> users = sorted.subList(from, Math.min(sorted.size(), from + groupSize));
            out.add(FanoutGroup.newDocument(Keys.fanoutGroup(m.key(), Integer.toString(part)), m, new ArrayList<>(users),
                    false, now, nextAttemptAt));
        }
        return out;
    }

    static boolean sortedDistinct(List<String> ids) {
        for (int i = 1; i < ids.size(); i++) {
            if (ids.get(i - 1).compareTo(ids.get(i)) >= 0) {
                return false;
            }
        }
        return true;
    }

    /** A group of one user, added after the message was sent (a broadcast for a user who was away). */
    static Document lateGroup(StoredMessage m, String userId, Instant now) {
        return FanoutGroup.newDocument(Keys.fanoutGroup(m.key(), "~" + userId), m, List.of(userId), true, now, null);
    }

    /** Inserts groups; returns how many recipients the new ones hold (a group that exists already counts none). */
    int insert(List<Document> docs) {
        if (docs.isEmpty()) {
            return 0;
        }
        Set<Integer> existing = DeliveryStore.insertUnordered(groups, docs);
        int recipients = 0;
        for (int i = 0; i < docs.size(); i++) {
            if (!existing.contains(i)) {
                recipients += docs.get(i).getList("users", String.class).size();
            }
        }
        return recipients;
    }

    /** Of (message, user) pairs, as {@link Keys#delivery}, those some group of the message holds already. */
    Set<String> present(Collection<String> messageKeys, Collection<String> userIds) {
        Set<String> wanted = new HashSet<>(userIds);
        Map<String, Set<String>> usersByMessage = new HashMap<>();
        messageKeys.forEach(key -> usersByMessage.put(key, wanted));
        Set<String> out = new HashSet<>();
        for (Bson filter : holding(usersByMessage)) {
            forEachGroup(filter, g -> {
                for (String u : g.users()) {
                    if (wanted.contains(u)) {
                        out.add(Keys.delivery(g.messageKey, u));
                    }
                }
            });
        }
        return out;
    }

    /**
     * Filters that together find every group that may hold one of these (message, user) pairs: the send-time groups of
     * each message, and the late groups by id, one per pair (never all of a broadcast's latecomers). Chunked per
     * {@code $in}.
     */
    private static List<Bson> holding(Map<String, ? extends Collection<String>> usersByMessage) {
        List<Bson> filters = new ArrayList<>();
        for (List<String> chunk : DeliveryStore.chunks(usersByMessage.keySet())) {
            filters.add(Filters.and(Filters.in("messageKey", chunk), Filters.eq("late", false)));
        }
        List<String> lateIds = new ArrayList<>();
        usersByMessage.forEach((key, users) -> users.forEach(u -> lateIds.add(Keys.fanoutGroup(key, "~" + u))));
        for (List<String> chunk : DeliveryStore.chunks(lateIds)) {
            filters.add(Filters.in("_id", chunk));
        }
        return filters;
    }

    /** The open entries of these users of one tenant, oldest first. Expired ones may be among them: callers skip them. */
    List<OpenDelivery> open(String tenant, Collection<String> userIds) {
        List<OpenDelivery> out = new ArrayList<>();
        for (List<String> chunk : DeliveryStore.chunks(new HashSet<>(userIds))) {
            Set<String> wanted = new HashSet<>(chunk);
            forEachGroup(Filters.and(Filters.eq("tenant", tenant), Filters.eq("done", false), Filters.in("users", chunk)), g -> {
                for (int i = 0; i < g.users().size(); i++) {
                    if (wanted.contains(g.users().get(i)) && g.isOpen(i)) {
                        out.add(g.openDelivery(i));
                    }
                }
            });
        }
        out.sort(java.util.Comparator.comparingLong(OpenDelivery::seq));
        return out;
    }

    /**
     * One user's open entries of messages after {@code afterSeq}, oldest first, at most {@code limit}: the groups are
     * read in {@code seq} order only until that many open entries were found (a group holding the user need not hold
     * the user's entry open, so a limit on the groups read could skip an open entry that belongs before a later row).
     */
    List<OpenDelivery> openAfter(String tenant, String userId, long afterSeq, int limit) {
        List<OpenDelivery> out = new ArrayList<>();
        try (MongoCursor<Document> cursor = groups.find(Filters.and(Filters.eq("tenant", tenant), Filters.eq("done", false),
                        Filters.eq("users", userId), Filters.gt("seq", afterSeq)))
                .sort(Sorts.ascending("seq")).batchSize(Math.min(limit, 1_000)).iterator()) {
            while (out.size() < limit && cursor.hasNext()) {
                FanoutGroup g = FanoutGroup.of(cursor.next());
                int i = java.util.Collections.binarySearch(g.users(), userId); // sorted when written (newGroups)
                if (i >= 0 && g.isOpen(i)) {
                    out.add(g.openDelivery(i));
                }
            }
        }
        return out;
    }

    /** Open entries of groups whose redelivery time has come, at most about {@code limit}. */
    List<OpenDelivery> due(Instant now, int limit) {
        List<OpenDelivery> out = new ArrayList<>();
        for (Document d : groups.find(Filters.and(Filters.eq("done", false), Filters.lte("nextAttemptAt", Date.from(now))))
                .sort(Sorts.ascending("nextAttemptAt"))) {
            FanoutGroup g = FanoutGroup.of(d);
            for (int i = 0; i < g.users().size(); i++) {
                if (g.isOpen(i)) {
                    out.add(g.openDelivery(i));
                }
            }
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    /** Records one more send of these groups (the highest attempt count of their entries) and when to try again. */
    void markSent(Map<String, Integer> attemptsByGroup, Instant now, Duration first, Duration max) {
        if (attemptsByGroup.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> updates = new ArrayList<>(attemptsByGroup.size());
        attemptsByGroup.forEach((groupId, previous) -> {
            int attempts = previous + 1;
            updates.add(new UpdateOneModel<>(Filters.eq("_id", groupId), Updates.combine(Updates.set("attempts", attempts),
                    Updates.set("nextAttemptAt", Date.from(now.plus(DeliveryStore.backoff(attempts, first, max)))))));
        });
        groups.bulkWrite(updates, new BulkWriteOptions().ordered(false));
    }

    /** {@link DeliveryStore#scheduleBy} for groups: each open group's timer at {@code due} at the latest. */
    void scheduleBy(Map<String, Instant> dueByGroup) {
        if (dueByGroup.isEmpty()) {
            return;
        }
        List<WriteModel<Document>> updates = new ArrayList<>(dueByGroup.size() * 2);
        dueByGroup.forEach((groupId, due) ->
                updates.addAll(DeliveryStore.notLaterThan(Filters.and(Filters.eq("_id", groupId), Filters.eq("done", false)), due)));
        groups.bulkWrite(updates, new BulkWriteOptions().ordered(false));
    }

    void unschedule(Collection<String> groupIds) {
        for (List<String> chunk : DeliveryStore.chunks(groupIds)) {
            groups.updateMany(Filters.in("_id", chunk), Updates.set("nextAttemptAt", null));
        }
    }

    /** Every open entry of a group past its expiry becomes EXPIRED; returns how many entries. */
    long expireDue(Instant now) {
        return change(Filters.and(Filters.eq("done", false), Filters.lte("expiresAt", Date.from(now))),
                g -> new int[] {g.expire(), 0})[0];
    }

    /**
     * Applies receipts: {@code delivered} and {@code acked} map a message key to the users who reported it. DELIVERED
     * first, so a batch holding both for one entry ends ACKED. With {@code ackImpliesDelivered} (a gateway's receipt,
     * as opposed to an ack through the inbox API) an acked entry without a delivery time gets the ack's. Returns
     * {delivered, acked} changed.
     */
    long[] mark(Map<String, Set<String>> delivered, Map<String, Set<String>> acked, boolean ackImpliesDelivered,
                Instant at) {
        Set<String> messageKeys = new HashSet<>(delivered.keySet());
        messageKeys.addAll(acked.keySet());
        if (messageKeys.isEmpty()) {
            return new long[] {0, 0};
        }
        Date when = Date.from(at);
        Change apply = g -> {
            int[] n = {0, 0};
            for (String u : delivered.getOrDefault(g.messageKey, Set.of())) {
                int i = g.indexOf(u);
                if (i >= 0 && g.markDelivered(i, when)) {
                    n[0]++;
                }
            }
            for (String u : acked.getOrDefault(g.messageKey, Set.of())) {
                int i = g.indexOf(u);
                if (i >= 0 && g.markAcked(i, when, ackImpliesDelivered)) {
                    n[1]++;
                }
            }
            return n;
        };
        Map<String, Set<String>> reported = new HashMap<>();
        for (String key : messageKeys) {
            Set<String> users = new HashSet<>(delivered.getOrDefault(key, Set.of()));
            users.addAll(acked.getOrDefault(key, Set.of()));
            reported.put(key, users);
        }
        long[] changed = {0, 0};
        for (Bson filter : holding(reported)) {
            add(changed, change(filter, apply));
        }
        return changed;
    }

    private static void add(long[] total, long[] more) {
        total[0] += more[0];
        total[1] += more[1];
    }

    Optional<DeliveryStatus> status(String messageKey, String userId) {
        Optional<DeliveryStatus>[] found = new Optional[] {Optional.empty()};
        forEachGroup(Filters.and(Filters.eq("messageKey", messageKey), Filters.eq("users", userId)), g -> {
            int i = g.indexOf(userId);
            if (i >= 0) {
                found[0] = Optional.of(g.status(i));
            }
        });
        return found[0];
    }

    void addCounts(String messageKey, Map<DeliveryStatus, Long> counts) {
        forEachGroup(Filters.eq("messageKey", messageKey), g -> {
            for (int i = 0; i < g.users().size(); i++) {
                counts.merge(g.status(i), 1L, Long::sum);
            }
        });
    }

    /** The user's entries for the inbox, newest first, in {@code statuses} as seen at {@code now}; at most {@code limit}. */
    List<UserDelivery> userEntries(String tenant, String userId, Set<DeliveryStatus> statuses, Long beforeSeq, int limit,
                                   Instant now) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("tenant", tenant), Filters.in("done", List.of(false, true)),
                Filters.eq("users", userId)));
        if (beforeSeq != null) {
            filters.add(Filters.lt("seq", beforeSeq));
        }
        List<UserDelivery> out = new ArrayList<>(Math.min(limit, 1_000));
        for (Document d : groups.find(Filters.and(filters)).sort(Sorts.descending("seq"))) {
            FanoutGroup g = FanoutGroup.of(d);
            int i = g.indexOf(userId);
            UserDelivery entry = i >= 0 ? g.userDelivery(i) : null;
            if (entry != null && statuses.contains(entry.statusAt(now))) {
                out.add(entry);
                if (out.size() >= limit) {
                    break;
                }
            }
        }
        return out;
    }

    long countUnread(String tenant, String userId, Instant now) {
        long[] n = {0};
        forEachGroup(Filters.and(Filters.eq("tenant", tenant), Filters.eq("done", false), Filters.eq("users", userId)), g -> {
            int i = g.indexOf(userId);
            if (i >= 0 && g.isOpen(i) && !g.expiredAt(now)) {
                n[0]++;
            }
        });
        return n[0];
    }

    /** ACKED for the user's own entries of these messages ({@link Keys#message} of the user's tenant). */
    long markAckedBy(String userId, Collection<String> messageKeys, Instant at) {
        Map<String, Set<String>> acked = new HashMap<>();
        messageKeys.forEach(key -> acked.put(key, Set.of(userId)));
        return mark(Map.of(), acked, false, at)[1];
    }

    long purgeCreatedBefore(Instant cutoff) {
        return groups.deleteMany(Filters.lt("createdAt", Date.from(cutoff))).getDeletedCount();
    }

    private void forEachGroup(Bson filter, java.util.function.Consumer<FanoutGroup> each) {
        for (Document d : groups.find(filter)) {
            each.accept(FanoutGroup.of(d));
        }
    }

    /** A change to one group in memory; returns how many entries it changed, {delivered or expired, acked}. */
    private interface Change {
        int[] apply(FanoutGroup group);
    }

    /**
     * Applies {@code change} to each matching group and writes the group back when it changed, compare-and-set on its
     * version; on a conflict the group is read again and the change applied to the fresh copy. Returns what the written
     * changes changed.
     */
    private long[] change(Bson filter, Change change) {
        long[] total = {0, 0};
        for (Document d : groups.find(filter)) {
            FanoutGroup g = FanoutGroup.of(d);
            for (int attempt = 1; ; attempt++) {
                int[] n = change.apply(g);
                if (n[0] + n[1] == 0) {
                    break;
                }
                if (groups.updateOne(Filters.and(Filters.eq("_id", g.id), Filters.eq("v", g.version)),
                        new Document("$set", g.changes())).getModifiedCount() == 1) {
                    total[0] += n[0];
                    total[1] += n[1];
                    break;
                }
                Document fresh = groups.find(Filters.eq("_id", g.id)).first();
                if (fresh == null) {
                    break; // purged meanwhile
                }
                if (attempt == CAS_TRIES) {
                    throw new IllegalStateException("fan-out group kept changing under us: " + g.id);
                }
                g = FanoutGroup.of(fresh);
            }
        }
        return total;
    }
}
