package com.ims.notification.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;

/**
 * The delivery state of up to a few hundred recipients of one role or broadcast message, in one document of
 * {@code fanouts}: parallel arrays of user ids, statuses and times, read and changed as a whole.
 *
 * @implNote Version {@code v} makes every change a compare-and-set ({@link FanoutStore}), so two writers never lose each
 *     other's receipts. Redelivery timing ({@code attempts}, {@code nextAttemptAt}) is kept per group, not per recipient.
 */
final class FanoutGroup {

    final String id;
    final String messageKey;
    final String tenant;
    final String messageId;
    final long seq;
    final Date expiresAt;
    final int attempts;
    final long version;
    private final List<String> users;
    private final List<String> status;
    private final List<Date> deliveredAt;
    private final List<Date> ackedAt;
    private Map<String, Integer> index;

    private FanoutGroup(Document d) {
        this.id = d.getString("_id");
        this.messageKey = d.getString("messageKey");
        this.tenant = d.getString("tenant");
        this.messageId = d.getString("messageId");
        this.seq = ((Number) d.get("seq")).longValue();
        this.expiresAt = d.getDate("expiresAt");
        this.attempts = ((Number) d.get("attempts")).intValue();
        this.version = ((Number) d.get("v")).longValue();
        this.users = d.getList("users", String.class);
        this.status = new ArrayList<>(d.getList("status", String.class));
        this.deliveredAt = new ArrayList<>(d.getList("deliveredAt", Date.class));
        this.ackedAt = new ArrayList<>(d.getList("ackedAt", Date.class));
    }

    static FanoutGroup of(Document d) {
        return new FanoutGroup(d);
    }

    /**
     * A new group: every recipient PENDING.
     *
     * @param nextAttemptAt when to redeliver to those still unacknowledged, null when none was online (replay sends it)
     */
    static Document newDocument(String id, StoredMessage m, List<String> users, boolean late, Instant createdAt,
                                Instant nextAttemptAt) {
        List<String> pending = new ArrayList<>(users.size());
        List<Date> none = new ArrayList<>(users.size());
        for (int i = 0; i < users.size(); i++) {
            pending.add(DeliveryStatus.PENDING.name());
            none.add(null);
        }
        return new Document("_id", id)
                .append("messageKey", m.key())
                .append("tenant", m.tenant())
                .append("messageId", m.messageId())
                .append("seq", m.seq())
                .append("late", late)
                .append("users", users)
                .append("status", pending)
                .append("deliveredAt", none)
                .append("ackedAt", new ArrayList<>(none))
                .append("done", false)
                .append("createdAt", Date.from(createdAt))
                .append("expiresAt", m.expiresAt() == null ? null : Date.from(m.expiresAt()))
                .append("attempts", nextAttemptAt != null ? 1 : 0)
                .append("nextAttemptAt", nextAttemptAt == null ? null : Date.from(nextAttemptAt))
                .append("v", 0L);
    }

    List<String> users() {
        return users;
    }

    /** The user's position, or -1 when not a recipient of this group. */
    int indexOf(String userId) {
        if (index == null) {
            index = new HashMap<>(users.size() * 2);
            for (int i = 0; i < users.size(); i++) {
                index.putIfAbsent(users.get(i), i);
            }
        }
        return index.getOrDefault(userId, -1);
    }

    DeliveryStatus status(int i) {
        return DeliveryStatus.valueOf(status.get(i));
    }

    boolean isOpen(int i) {
        DeliveryStatus s = status(i);
        return s == DeliveryStatus.PENDING || s == DeliveryStatus.DELIVERED;
    }

    boolean expiredAt(Instant now) {
        return expiresAt != null && !expiresAt.toInstant().isAfter(now);
    }

    /** DELIVERED only from PENDING, as for a delivery document. */
    boolean markDelivered(int i, Date at) {
        if (status(i) != DeliveryStatus.PENDING) {
            return false;
        }
        status.set(i, DeliveryStatus.DELIVERED.name());
        deliveredAt.set(i, at);
        return true;
    }

    /**
     * ACKED from PENDING or DELIVERED; never from EXPIRED. {@code delivered}: the ack came through a socket, so the entry
     * was delivered too, at the latest now (its DELIVERED receipt may never come: gateways drop it once acked).
     */
    boolean markAcked(int i, Date at, boolean delivered) {
        if (!isOpen(i)) {
            return false;
        }
        status.set(i, DeliveryStatus.ACKED.name());
        ackedAt.set(i, at);
        if (delivered && deliveredAt.get(i) == null) {
            deliveredAt.set(i, at);
        }
        return true;
    }

    /** Every open entry EXPIRED; returns how many. */
    int expire() {
        int n = 0;
        for (int i = 0; i < status.size(); i++) {
            if (isOpen(i)) {
                status.set(i, DeliveryStatus.EXPIRED.name());
                n++;
            }
        }
        return n;
    }

    boolean hasOpen() {
        for (int i = 0; i < status.size(); i++) {
            if (isOpen(i)) {
                return true;
            }
        }
        return false;
    }

    /** The per-recipient fields as changed, for a {@code $set} guarded by {@link #version}. */
    Document changes() {
        Document set = new Document("status", status)
                .append("deliveredAt", deliveredAt)
                .append("ackedAt", ackedAt)
                .append("v", version + 1);
        if (!hasOpen()) {
            set.append("done", true).append("nextAttemptAt", null);
        }
        return set;
    }

    OpenDelivery openDelivery(int i) {
        return new OpenDelivery(Keys.fanoutEntry(id, users.get(i)), messageKey, tenant, users.get(i), messageId, seq,
                status(i), attempts, expiresAt == null ? null : expiresAt.toInstant());
    }

    UserDelivery userDelivery(int i) {
        return new UserDelivery(messageKey, messageId, seq, status(i), instant(deliveredAt.get(i)), instant(ackedAt.get(i)),
                expiresAt == null ? null : expiresAt.toInstant());
    }

    private static Instant instant(Date d) {
        return d == null ? null : d.toInstant();
    }
}
