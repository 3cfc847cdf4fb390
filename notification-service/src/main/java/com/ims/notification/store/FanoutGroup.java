package com.ims.notification.store;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.bson.types.Binary;

/**
 * The delivery state of up to a thousand recipients of one role or broadcast message, in one document of
 * {@code fanouts}: the sorted user ids, and beside them each one's status and times, read and changed as a whole.
 *
 * <p>Stored form: {@code status} is a string with one letter per recipient ({@code P}ending, {@code D}elivered,
 * {@code A}cked, {@code E}xpired); {@code deliveredAt} and {@code ackedAt} are binaries of one big-endian epoch
 * millisecond per recipient (0: none), shorter or empty while the tail has none. A group is rewritten by every poll of
 * receipts that touches it (several times per role message), and as BSON arrays (a type, a decimal index and a value per
 * element) those three fields were 3,000 elements of about 42 KB to encode, copy and decode each time; this way they are
 * three values of about 17 KB at most, and 1 KB at insert. Groups written in the older form (three arrays) are read too,
 * and take this form at their next change.
 *
 * @implNote Version {@code v} makes every change a compare-and-set ({@link FanoutStore}), so two writers never lose each
 *     other's receipts. Redelivery timing ({@code attempts}, {@code nextAttemptAt}) is kept per group, not per recipient.
 */
final class FanoutGroup {

    private static final DeliveryStatus[] BY_LETTER = new DeliveryStatus['Z' + 1];

    static {
        for (DeliveryStatus s : DeliveryStatus.values()) {
            BY_LETTER[letter(s)] = s;
        }
    }

    final String id;
    final String messageKey;
    final String tenant;
    final String messageId;
    final long seq;
    final Date expiresAt;
    final int attempts;
    final long version;
    private final List<String> users;
    private final char[] status;
    private final long[] deliveredAt;
    private final long[] ackedAt;
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
        this.status = readStatus(d.get("status"), users.size());
        this.deliveredAt = readTimes(d.get("deliveredAt"), users.size());
        this.ackedAt = readTimes(d.get("ackedAt"), users.size());
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
        return new Document("_id", id)
                .append("messageKey", m.key())
                .append("tenant", m.tenant())
                .append("messageId", m.messageId())
                .append("seq", m.seq())
                .append("late", late)
                .append("users", users)
                .append("status", String.valueOf(letter(DeliveryStatus.PENDING)).repeat(users.size()))
                .append("deliveredAt", new Binary(new byte[0]))
                .append("ackedAt", new Binary(new byte[0]))
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
        return BY_LETTER[status[i]];
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
        status[i] = letter(DeliveryStatus.DELIVERED);
        deliveredAt[i] = at.getTime();
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
        status[i] = letter(DeliveryStatus.ACKED);
        ackedAt[i] = at.getTime();
        if (delivered && deliveredAt[i] == 0) {
            deliveredAt[i] = at.getTime();
        }
        return true;
    }

    /** Every open entry EXPIRED; returns how many. */
    int expire() {
        int n = 0;
        for (int i = 0; i < status.length; i++) {
            if (isOpen(i)) {
                status[i] = letter(DeliveryStatus.EXPIRED);
                n++;
            }
        }
        return n;
    }

    boolean hasOpen() {
        for (int i = 0; i < status.length; i++) {
            if (isOpen(i)) {
                return true;
            }
        }
        return false;
    }

    /** The per-recipient fields as changed, for a {@code $set} guarded by {@link #version}. */
    Document changes() {
        Document set = new Document("status", new String(status))
                .append("deliveredAt", writeTimes(deliveredAt))
                .append("ackedAt", writeTimes(ackedAt))
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
        return new UserDelivery(messageKey, messageId, seq, status(i), instant(deliveredAt[i]), instant(ackedAt[i]),
                expiresAt == null ? null : expiresAt.toInstant());
    }

    static char letter(DeliveryStatus s) {
        return s.name().charAt(0);
    }

    private static char[] readStatus(Object stored, int n) {
        if (stored instanceof String letters) {
            if (letters.length() != n) {
                throw new IllegalStateException("fan-out group status has " + letters.length() + " entries for " + n + " users");
            }
            char[] out = letters.toCharArray();
            for (char c : out) {
                if (c >= BY_LETTER.length || BY_LETTER[c] == null) {
                    throw new IllegalStateException("fan-out group status has an unknown letter: " + c);
                }
            }
            return out;
        }
        List<?> names = (List<?>) stored; // the older form
        char[] out = new char[n];
        for (int i = 0; i < n; i++) {
            out[i] = letter(DeliveryStatus.valueOf((String) names.get(i)));
        }
        return out;
    }

    private static long[] readTimes(Object stored, int n) {
        long[] out = new long[n];
        byte[] packed = stored instanceof Binary binary ? binary.getData() : stored instanceof byte[] raw ? raw : null;
        if (packed != null) {
            ByteBuffer bytes = ByteBuffer.wrap(packed);
            for (int i = 0; i < n && bytes.remaining() >= Long.BYTES; i++) {
                out[i] = bytes.getLong();
            }
        } else if (stored instanceof List<?> dates) { // the older form
            for (int i = 0; i < n; i++) {
                out[i] = dates.get(i) instanceof Date d ? d.getTime() : 0;
            }
        } else if (stored != null) {
            // Read as "no times" and written back, it would erase them: refuse instead.
            throw new IllegalStateException("fan-out group times of an unknown form: " + stored.getClass().getName());
        }
        return out;
    }

    /** Up to the last entry that has a time: a group most of whose recipients were not reached yet stays small. */
    private static Binary writeTimes(long[] times) {
        int n = times.length;
        while (n > 0 && times[n - 1] == 0) {
            n--;
        }
        ByteBuffer bytes = ByteBuffer.allocate(n * Long.BYTES);
        for (int i = 0; i < n; i++) {
            bytes.putLong(times[i]);
        }
        return new Binary(bytes.array());
    }

    private static Instant instant(long epochMs) {
        return epochMs == 0 ? null : Instant.ofEpochMilli(epochMs);
    }
}
