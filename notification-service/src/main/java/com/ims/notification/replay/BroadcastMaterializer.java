package com.ims.notification.replay;

import com.ims.notification.directory.UserDirectory;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.StoredMessage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.Document;

/**
 * Turns the tenant's {@code all} messages a user has not had yet into deliveries for that user, on connect.
 *
 * @implNote A broadcast writes deliveries only for the users online when it is sent; writing one per known user would
 *     cost a document per user of the tenant per broadcast, mostly for users who never come back before it expires.
 *     Instead each user keeps a watermark (the highest broadcast seq already materialized for them): on connect the
 *     unexpired broadcasts above it become PENDING deliveries (idempotent inserts, so ones delivered live are untouched)
 *     and replay sends them with everything else in seq order.
 */
public class BroadcastMaterializer {

    private final DeliveryStore store;
    private final UserDirectory users;

    public BroadcastMaterializer(DeliveryStore store, UserDirectory users) {
        this.store = store;
        this.users = users;
    }

    /** Returns how many deliveries were new. */
    public int materialize(String tenant, String userId, long watermark, Instant now) {
        List<StoredMessage> broadcasts = store.broadcastsAfter(tenant, watermark, now);
        if (broadcasts.isEmpty()) {
            return 0;
        }
        List<Document> deliveries = new ArrayList<>(broadcasts.size());
        long highest = watermark;
        for (StoredMessage m : broadcasts) {
            deliveries.add(DeliveryStore.newDelivery(m, userId, now, null));
            highest = Math.max(highest, m.seq());
        }
        int created = store.insertDeliveries(deliveries);
        users.advanceWatermark(tenant, userId, highest);
        return created;
    }
}
