package com.ims.notification.replay;

import com.ims.notification.directory.UserDirectory;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.StoredMessage;
import java.time.Instant;
import com.ims.protocol.UserKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * Gives a user the tenant's {@code all} messages sent while they were away, on connect.
 *
 * @implNote A broadcast stores recipients only for the users online when it is sent; storing one per known user would
 *     cost an entry per user of the tenant per broadcast, mostly for users who never come back before it expires.
 *     Instead each user keeps a watermark (the highest broadcast seq already materialized for them): on connect the
 *     unexpired broadcasts above it get an entry for the user (a group of one, unless a send-time group holds the user
 *     already) and replay sends them with everything else in seq order.
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
        return materializeAll(tenant, Map.of(userId, watermark), now);
    }

    /**
     * {@link #materialize} for a connect batch of one tenant: one query of the broadcasts above the lowest watermark, the
     * missing entries of every user in one insert and the watermarks in one bulk. Returns how many deliveries were new.
     *
     * @param watermarks user id → that user's watermark as read on this connect
     */
    public int materializeAll(String tenant, Map<String, Long> watermarks, Instant now) {
        if (watermarks.isEmpty()) {
            return 0;
        }
        long lowest = watermarks.values().stream().mapToLong(Long::longValue).min().orElse(UserDirectory.NO_WATERMARK);
        List<StoredMessage> broadcasts = store.broadcastsAfter(tenant, lowest, now);
        if (broadcasts.isEmpty()) {
            return 0;
        }
        Map<StoredMessage, List<String>> wanted = new LinkedHashMap<>();
        Map<UserKey, Long> advanced = new HashMap<>();
        watermarks.forEach((userId, watermark) -> {
            long highest = watermark;
            for (StoredMessage m : broadcasts) {
                if (m.seq() > watermark) {
                    wanted.computeIfAbsent(m, k -> new ArrayList<>()).add(userId);
                    highest = Math.max(highest, m.seq());
                }
            }
            if (highest > watermark) {
                advanced.put(new UserKey(tenant, userId), highest);
            }
        });
        int created = store.insertLateFanout(wanted, now);
        users.advanceWatermarks(advanced);
        return created;
    }
}
