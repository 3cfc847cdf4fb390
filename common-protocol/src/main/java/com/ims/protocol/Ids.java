package com.ims.protocol;

import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Time-ordered 26-character ids (ULID layout: 48 bits of milliseconds, 80 random bits, Crockford base32), so message ids
 * sort roughly by creation time in logs and indexes.
 */
public final class Ids {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    /** Seeds nothing secret; ids only need to be unique, so the fast thread-local generator is enough after one seed. */
    private static final long SEED_CHECK = new SecureRandom().nextLong();

    private Ids() {
    }

    public static String newId() {
        return newId(System.currentTimeMillis());
    }

    static String newId(long millis) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = random.nextLong() ^ SEED_CHECK;
        long low = random.nextLong();
        char[] out = new char[26];
        for (int i = 9; i >= 0; i--) {
            out[i] = ALPHABET[(int) (millis & 31)];
            millis >>>= 5;
        }
        // 80 random bits: 16 from high, 64 from low, 5 bits per character.
        for (int i = 25; i >= 10; i--) {
            out[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return new String(out);
    }
}
