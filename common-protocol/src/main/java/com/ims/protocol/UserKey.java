package com.ims.protocol;

/**
 * A (tenant, user) pair as one string: the Kafka key of per-user records and the key of in-memory maps.
 *
 * @implNote The separator is the ASCII unit separator, which validation refuses in tenants and user ids, so keys compare
 *     exactly: user "1" never matches "12", tenant "a" never meets tenant "ab".
 */
public record UserKey(String tenant, String userId) {

    private static final char SEPARATOR = '\u001f';

    public UserKey {
        if (tenant == null || userId == null) {
            throw new IllegalArgumentException("tenant and userId are required");
        }
    }

    public String encoded() {
        return tenant + SEPARATOR + userId;
    }

    public static UserKey decode(String encoded) {
        int at = encoded.indexOf(SEPARATOR);
        if (at < 0) {
            throw new IllegalArgumentException("not a user key");
        }
        return new UserKey(encoded.substring(0, at), encoded.substring(at + 1));
    }

    @Override
    public String toString() {
        return tenant + "/" + userId;
    }
}
