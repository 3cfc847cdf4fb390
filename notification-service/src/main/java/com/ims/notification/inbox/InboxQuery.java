package com.ims.notification.inbox;

import com.ims.notification.store.DeliveryStatus;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What one inbox page asks for, validated from the query string.
 *
 * @param statuses which statuses to list (all four when the caller named none)
 * @param limit    entries per page
 * @param before   only entries older than this cursor (a {@code next} of an earlier page); null for the newest
 */
public record InboxQuery(Set<DeliveryStatus> statuses, int limit, Long before) {

    public static final int DEFAULT_LIMIT = 50;
    /** Bounds one page: 200 entries with payloads of up to 256 KiB each is already a large answer. */
    public static final int MAX_LIMIT = 200;

    /** Parses the raw parameters; any of them may be null (absent). */
    public static InboxQuery parse(String status, String limit, String before) {
        return new InboxQuery(statuses(status), limit(limit), before(before));
    }

    /** One status, or several separated by commas ({@code PENDING,DELIVERED} lists the unread ones); case-insensitive. */
    static Set<DeliveryStatus> statuses(String raw) {
        if (raw == null || raw.isBlank()) {
            return EnumSet.allOf(DeliveryStatus.class);
        }
        Set<DeliveryStatus> out = EnumSet.noneOf(DeliveryStatus.class);
        for (String part : raw.split(",", -1)) {
            try {
                out.add(DeliveryStatus.valueOf(part.trim().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new InvalidInboxRequest("status", "must be PENDING, DELIVERED, ACKED or EXPIRED (or several, comma-separated)");
            }
        }
        return out;
    }

    static int limit(String raw) {
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(raw.trim());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below, like an out-of-range number
        }
        throw new InvalidInboxRequest("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }

    static Long before(String raw) {
        if (raw == null) {
            return null;
        }
        try {
            long before = Long.parseLong(raw.trim());
            if (before >= 0) {
                return before;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new InvalidInboxRequest("before", "must be the `next` cursor of an earlier page");
    }
}
