package com.ims.support.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

class PrincipalTest {

    private static Jwt.Builder token() {
        return Jwt.withTokenValue("t").header("alg", "HS256").subject("svc")
                .issuedAt(Instant.ofEpochSecond(1_000)).expiresAt(Instant.ofEpochSecond(2_000));
    }

    @Test
    void scopesAreTheScopeClaimSplitOnAnyRunOfWhitespace() {
        Principal p = Principal.of(token().claim("scope", "  ims:publish \t ims:admin\n").build());
        assertThat(p.scopes()).containsExactlyInAnyOrder("ims:publish", "ims:admin");
        assertThat(p.hasScope(Principal.SCOPE_PUBLISH)).isTrue();
        assertThat(p.expiresAt()).isEqualTo(2_000_000L);
    }

    @Test
    void noScopeClaimOrABlankOneGivesNoScopesAndTheTenantDefaults() {
        assertThat(Principal.of(token().claim("roles", List.of("r")).build()).scopes()).isEmpty();
        Principal blank = Principal.of(token().claim("scope", "   ").build());
        assertThat(blank.scopes()).isEmpty();
        assertThat(blank.tenant()).isEqualTo(Principal.DEFAULT_TENANT);
        assertThat(blank.hasScope("")).isFalse();
    }
}
