package com.ims.protocol;

/** Kafka topic names; the layout and record types are described in docs/ARCHITECTURE.md. */
public final class Topics {
    /** Producer records, keyed by tenant so that a tenant's messages keep one order. */
    public static final String NOTIFICATIONS = "ims.notifications";
    /** Records of {@link #NOTIFICATIONS} that could not be parsed or validated, with the reason in a header. */
    public static final String NOTIFICATIONS_DLT = "ims.notifications.DLT";
    /** Connection and lease events of the gateways, keyed by gateway id. */
    public static final String PRESENCE_EVENTS = "ims.presence.events";
    /** Compacted: the gateways holding each user, keyed by {@link UserKey}; a tombstone when the user is offline. */
    public static final String PRESENCE_ROUTES = "ims.presence.routes";
    /** Online/offline changes of users. */
    public static final String PRESENCE_STATUS = "ims.presence.status";
    /** DELIVERED and ACKED receipts from the gateways, keyed by gateway id. */
    public static final String RECEIPTS = "ims.receipts";

    /** Header names on DLT records. */
    public static final String DLT_REASON_HEADER = "ims-dlt-reason";
    public static final String DLT_TOPIC_HEADER = "ims-dlt-topic";
    public static final String DLT_PARTITION_HEADER = "ims-dlt-partition";
    public static final String DLT_OFFSET_HEADER = "ims-dlt-offset";

    private static final String GATEWAY_PREFIX = "ims.gateway.";

    private Topics() {
    }

    /** The live delivery topic of one gateway. */
    public static String gateway(String gatewayId) {
        return GATEWAY_PREFIX + gatewayId;
    }
}
