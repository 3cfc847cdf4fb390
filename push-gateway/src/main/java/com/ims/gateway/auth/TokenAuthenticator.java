package com.ims.gateway.auth;

import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import com.ims.support.auth.Principal;

/**
 * Verifies a user token with the service's one {@link JwtDecoder} (pinned algorithms, exp required). A missing, malformed,
 * badly signed, unsigned or expired token is refused with a reason that is safe to log: it never contains the token.
 */
public final class TokenAuthenticator {

    private final JwtDecoder decoder;

    public TokenAuthenticator(JwtDecoder decoder) {
        this.decoder = decoder;
    }

    public AuthResult authenticate(String token) {
        if (token == null || token.isBlank()) {
            return new AuthResult.Refused("missing token");
        }
        try {
            Principal principal = Principal.of(decoder.decode(token));
            if (principal.subject() == null || principal.subject().isBlank()) {
                return new AuthResult.Refused("token has no subject");
            }
            if (principal.expiresAt() <= System.currentTimeMillis()) {
                // The decoder allows a clock skew; a connection must not start with an already expired token.
                return new AuthResult.Refused("token expired");
            }
            return new AuthResult.Authenticated(principal);
        } catch (JwtException e) {
            return new AuthResult.Refused(e.getClass().getSimpleName());
        } catch (RuntimeException e) {
            return new AuthResult.Refused("token not accepted");
        }
    }
}
