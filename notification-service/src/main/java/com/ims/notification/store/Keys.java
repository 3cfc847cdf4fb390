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

    /** Role membership: tenant, role and user joined by the unit separator, which validation keeps out of all three. */
    public static String membership(String tenant, String role, String userId) {
        return tenant + '\u001f' + role + '\u001f' + userId;
    }

    public static String user(String tenant, String userId) {
        return tenant + '\u001f' + userId;
    }
}
