package com.ims.notification.inbox;

import com.ims.notification.directory.UserDirectory;
import com.ims.notification.replay.BroadcastMaterializer;
import com.ims.notification.store.Checkpoints;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.StoredMessage;
import com.ims.notification.store.UserDelivery;
import com.ims.protocol.Json;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * A user's persistent notifications read and acknowledged over HTTP (the back office's bell), without a socket.
 * Every call is scoped to one (tenant, user) taken from the caller's token by the edge.
 *
 * @implNote Broadcasts are stored once and become a user's deliveries only when materialized (see
 *     {@link BroadcastMaterializer}); the inbox materializes before it reads, so a user who has not connected since a
 *     broadcast still finds it, and the same watermark keeps connect and inbox from doing the work twice.
 */
public class Inbox {

    private static final Logger log = LoggerFactory.getLogger(Inbox.class);

    private final DeliveryStore store;
    private final UserDirectory users;
    private final BroadcastMaterializer broadcasts;
    private final Checkpoints checkpoints;
    private final Clock clock;

    public Inbox(DeliveryStore store, UserDirectory users, BroadcastMaterializer broadcasts, Checkpoints checkpoints,
                 Clock clock) {
        this.checkpoints = checkpoints;
        this.store = store;
        this.users = users;
        this.broadcasts = broadcasts;
        this.clock = clock;
    }

    public InboxPage page(String tenant, String userId, InboxQuery query) {
        Instant now = clock.instant();
        catchUpBroadcasts(tenant, userId, now);
        // One more than asked tells whether an older page exists without a second query.
        List<UserDelivery> rows = store.userDeliveries(tenant, userId, query.statuses(), query.before(), query.limit() + 1, now);
        boolean more = rows.size() > query.limit();
        List<UserDelivery> page = more ? rows.subList(0, query.limit()) : rows;
        Map<String, StoredMessage> messages = store.messages(page.stream().map(UserDelivery::messageKey).toList());
        List<InboxEntry> items = new ArrayList<>(page.size());
        for (UserDelivery d : page) {
            StoredMessage m = messages.get(d.messageKey());
            if (m == null) {
                continue; // the message outlived retention before this delivery did: nothing left to show
            }
            items.add(new InboxEntry(m.messageId(), m.type(), m.createdAt().toString(), d.statusAt(now).name(),
                    payloadOf(m), text(d.deliveredAt()), text(d.ackedAt())));
        }
        return new InboxPage(items, more ? String.valueOf(page.getLast().seq()) : null);
    }

    public long unreadCount(String tenant, String userId) {
        Instant now = clock.instant();
        catchUpBroadcasts(tenant, userId, now);
        return store.countUnread(tenant, userId, now);
    }

    /** Marks the user's own deliveries of these messages ACKED; returns how many changed. */
    public long ack(String tenant, String userId, AckRequest request) {
        long acked = store.markAckedBy(tenant, userId, request.ids(), clock.instant());
        checkpoints.journal("inbox"); // the answer says the acks are stored: make them survive a crash
        log.debug("inbox ack tenant={} userId={} requested={} acked={}", tenant, userId, request.ids().size(), acked);
        return acked;
    }

    private void catchUpBroadcasts(String tenant, String userId, Instant now) {
        int created = broadcasts.materialize(tenant, userId, users.watermark(tenant, userId, now), now);
        if (created > 0) {
            log.info("inbox materialized broadcasts tenant={} userId={} count={}", tenant, userId, created);
        }
    }

    /** The payload as delivered: the stored frame is what every socket got, so it is the one source of truth. */
    private static JsonNode payloadOf(StoredMessage m) {
        return Json.tree(m.frame()).get("payload");
    }

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }
}
