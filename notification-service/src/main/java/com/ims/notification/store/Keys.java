package com.ims.notification.store;

/**
 * Deterministic document ids, so that every write is an idempotent insert.
 *
 * @implNote A message key is {@code tenant + "/" + messageId}. The producer record's validation allows ':' inside both
 *     tenants and ids but never '/', so with '/' tenant "a:b" + id "c" and tenant "a" + id "b:c" stay apart (with ':' they
 *     would collide across tenants). A delivery key appends {@code "|" + userId}: the message key holds no '|', so the
 *     first '|' always ends it, whatever the user id contains.
 */
public final class Keys {

    private Keys() {
    }

    public static String message(String tenant, String messageId) {
        return tenant + "/" + messageId;
    }

    public static String delivery(String messageKey, String userId) {
        return messageKey + "|" + userId;
    }

    /** A fan-out group of a message: its part number (0, 1, ...) or {@code ~userId} for one added on a later connect. */
    public static String fanoutGroup(String messageKey, String part) {
        return messageKey + "#" + part;
    }

    /**
     * One recipient's entry in a fan-out group. The unit separator, which validation refuses in tenants, ids and user ids,
     * tells it apart from a delivery key.
     */
    public static String fanoutEntry(String groupId, String userId) {
        return groupId + '\u001f' + userId;
    }

    public static boolean isFanoutEntry(String key) {
        return key.indexOf('\u001f') >= 0;
    }

    /** The group id of a {@link #fanoutEntry}. */
    public static String groupOf(String entryKey) {
        return entryKey.substring(0, entryKey.indexOf('\u001f'));
    }

    /** The message key of a {@link #delivery} key: everything before the first '|'. */
    public static String messageOf(String deliveryKey) {
        return deliveryKey.substring(0, deliveryKey.indexOf('|'));
    }

    /** The user id of a {@link #delivery} key. */
    public static String userOf(String deliveryKey) {
        return deliveryKey.substring(deliveryKey.indexOf('|') + 1);
    }

    /** Role membership: tenant, role and user joined by the unit separator, which validation keeps out of all three. */
    public static String membership(String tenant, String role, String userId) {
        return tenant + '\u001f' + role + '\u001f' + userId;
    }

    public static String user(String tenant, String userId) {
        return tenant + '\u001f' + userId;
    }
}
