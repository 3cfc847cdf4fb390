package com.ims.support.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * A {@link JwtDecoder} that remembers tokens it verified, for callers that present the same token on many requests (a
 * producer service posting notifications). A repeat is answered from memory while the token is unexpired and was
 * verified less than {@code maxAge} ago; everything else goes to the delegate, and a rejection is never remembered.
 *
 * @implNote Keyed by the whole compact token, signature included, so only a byte-identical token hits. {@code maxAge}
 *     bounds how long a token signed by a key since removed from the JWK Set keeps working, as the JWK Set cache does.
 *     Bounded: when full, the map is emptied (producers are few; a full map means many distinct tokens, for which a
 *     cache does nothing anyway). Measured on the producer API: JWT verification was about a sixth of the CPU per request.
 */
public final class VerifiedTokenCache implements JwtDecoder {

    private record Entry(Jwt jwt, Instant verifiedAt) {
    }

    private final JwtDecoder delegate;
    private final int maxEntries;
    private final Duration maxAge;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> verified = new ConcurrentHashMap<>();

    public VerifiedTokenCache(JwtDecoder delegate, int maxEntries, Duration maxAge, Clock clock) {
        this.delegate = delegate;
        this.maxEntries = maxEntries;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Entry e = token == null ? null : verified.get(token);
        if (e != null && usable(e, now)) {
            return e.jwt();
        }
        Jwt jwt = delegate.decode(token);
        if (verified.size() >= maxEntries) {
            verified.clear();
        }
        verified.put(token, new Entry(jwt, now));
        return jwt;
    }

    private boolean usable(Entry e, Instant now) {
        Instant expires = e.jwt().getExpiresAt();
        Instant notBefore = e.jwt().getNotBefore();
        return expires != null && now.isBefore(expires)
                && (notBefore == null || !now.isBefore(notBefore))
                && now.isBefore(e.verifiedAt().plus(maxAge));
    }

    int size() {
        return verified.size();
    }
}
