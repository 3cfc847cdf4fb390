package com.ims.support.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

class VerifiedTokenCacheTest {

    private static final String SECRET = "a-test-secret-that-is-long-enough-0123456789";

    private final JwtDecoder real = ImsJwtDecoders.create(new JwtSettings(SECRET, null, null, null, false));
    private final AtomicInteger verifications = new AtomicInteger();
    private final JwtDecoder counting = token -> {
        verifications.incrementAndGet();
        return real.decode(token);
    };
    private Instant now = Instant.now();
    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private static String token(String subject, Duration ttl) {
        return DevTokens.mint(SECRET, subject, List.of(), "acme", "ims:publish", ttl);
    }

    @Test
    void aRepeatedTokenIsVerifiedOnceAnotherTokenAgain() {
        VerifiedTokenCache cache = new VerifiedTokenCache(counting, 100, Duration.ofMinutes(5), clock);
        String alice = token("alice", Duration.ofMinutes(10));
        assertThat(cache.decode(alice).getSubject()).isEqualTo("alice");
        assertThat(cache.decode(alice).getSubject()).isEqualTo("alice");
        assertThat(verifications).hasValue(1);
        assertThat(cache.decode(token("bob", Duration.ofMinutes(10))).getSubject()).isEqualTo("bob");
        assertThat(verifications).hasValue(2);
    }

    @Test
    void aRejectedTokenIsNeverRemembered() {
        VerifiedTokenCache cache = new VerifiedTokenCache(counting, 100, Duration.ofMinutes(5), clock);
        String forged = DevTokens.mint("another-secret-that-is-long-enough-0123456789", "eve", List.of(), "acme",
                "ims:publish", Duration.ofMinutes(10));
        assertThatThrownBy(() -> cache.decode(forged)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> cache.decode(forged)).isInstanceOf(JwtException.class);
        assertThat(verifications).hasValue(2);
        assertThat(cache.size()).isZero();
    }

    @Test
    void anExpiredOrOldEntryGoesBackToTheVerifier() {
        VerifiedTokenCache cache = new VerifiedTokenCache(counting, 100, Duration.ofMinutes(1), clock);
        String shortLived = token("alice", Duration.ofSeconds(30));
        cache.decode(shortLived);
        now = now.plusSeconds(31);
        cache.decode(shortLived); // past exp: verified again (the verifier's clock skew still admits it)
        assertThat(verifications).hasValue(2);

        String longLived = token("bob", Duration.ofHours(1));
        cache.decode(longLived);
        now = now.plusSeconds(61);
        cache.decode(longLived); // verified more than maxAge ago: again
        assertThat(verifications).hasValue(4);
    }

    @Test
    void itNeverHoldsMoreThanItsBound() {
        VerifiedTokenCache cache = new VerifiedTokenCache(counting, 3, Duration.ofMinutes(5), clock);
        for (int i = 0; i < 10; i++) {
            cache.decode(token("u" + i, Duration.ofMinutes(10)));
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
    }
}
