package com.ims.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ims.support.auth.DevTokens;
import com.ims.support.auth.ImsJwtDecoders;
import com.ims.support.auth.JwtSettings;
import com.ims.support.auth.Principal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

class ImsJwtDecodersTest {

    private static final String SECRET = "a-test-secret-that-is-long-enough-0123456789";
    private final JwtDecoder decoder = ImsJwtDecoders.create(new JwtSettings(SECRET, null, null, null, false));

    @Test
    void acceptsAGoodHs256TokenAndReadsItsClaims() {
        String token = DevTokens.mint(SECRET, "alice", List.of("ops"), "acme", "ims:publish ims:admin", Duration.ofMinutes(5));
        Principal p = Principal.of(decoder.decode(token));
        assertThat(p.subject()).isEqualTo("alice");
        assertThat(p.tenant()).isEqualTo("acme");
        assertThat(p.roles()).containsExactly("ops");
        assertThat(p.hasScope("ims:admin")).isTrue();
        assertThat(p.tenantFor("other")).isEqualTo("other");
    }

    @Test
    void refusesExpiredBadlySignedUnsignedAndGarbage() {
        String expired = DevTokens.mint(SECRET, "a", null, null, null, Duration.ofMinutes(-5));
        String otherKey = DevTokens.mint("another-secret-that-is-long-enough-0123456789", "a", null, null, null, Duration.ofMinutes(5));
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String body = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"a\",\"exp\":" + (System.currentTimeMillis() / 1000 + 600) + "}").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> decoder.decode(expired)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder.decode(otherKey)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder.decode(header + "." + body + ".")).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder.decode("not.a.token")).isInstanceOf(JwtException.class);
    }

    @Test
    void refusesTheDevSecretOutsideDevModeAndShortSecrets() {
        assertThatThrownBy(() -> ImsJwtDecoders.create(new JwtSettings(null, null, null, null, false)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ImsJwtDecoders.create(new JwtSettings("short", null, null, null, false)))
                .isInstanceOf(IllegalStateException.class);
        assertThat(ImsJwtDecoders.create(new JwtSettings(null, null, null, null, true))).isNotNull();
    }
}
