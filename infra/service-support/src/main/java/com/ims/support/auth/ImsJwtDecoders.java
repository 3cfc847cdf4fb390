package com.ims.support.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Builds the one {@link JwtDecoder} of a service: HS256 by the shared secret and, when a JWK Set is configured, RS256 and
 * ES256 by its keys. The algorithm is pinned per key type before any signature is checked: {@code alg: none}, an HS256
 * token signed with an RSA public key as its secret, or an algorithm we did not configure are all refused.
 *
 * @implNote Dispatching on the header's {@code alg} is safe here because each branch's decoder accepts exactly its own
 *     algorithms; the header only chooses which verifier refuses a forgery. Nimbus' JWK source caches the set and refetches
 *     it, once at a time, when a token names an unknown {@code kid}.
 */
public final class ImsJwtDecoders {

    private static final Logger log = LoggerFactory.getLogger(ImsJwtDecoders.class);
    static final int MIN_SECRET_BYTES = 32;

    private ImsJwtDecoders() {
    }

    public static JwtDecoder create(JwtSettings settings) {
        byte[] secret = settings.effectiveSecret().getBytes(StandardCharsets.UTF_8);
        if (settings.usesDevSecret()) {
            if (!settings.devMode()) {
                throw new IllegalStateException("IMS_JWT_SECRET is not set and dev mode is off: refusing to run with the "
                        + "dev-only secret. Set IMS_JWT_SECRET (at least " + MIN_SECRET_BYTES + " bytes) or IMS_DEV_MODE=true.");
            }
            log.warn("Using the DEV-ONLY JWT secret (IMS_JWT_SECRET unset): anyone can mint tokens for this platform");
        } else if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("IMS_JWT_SECRET must be at least " + MIN_SECRET_BYTES + " bytes for HS256");
        }
        OAuth2TokenValidator<Jwt> validator = validator(settings);

        NimbusJwtDecoder hmac = NimbusJwtDecoder.withSecretKey(new SecretKeySpec(secret, "HmacSHA256"))
                .macAlgorithm(MacAlgorithm.HS256)
                .build();
        hmac.setJwtValidator(validator);

        NimbusJwtDecoder keySet = null;
        if (settings.hasJwks()) {
            keySet = NimbusJwtDecoder.withJwkSetUri(settings.jwksUri())
                    .jwsAlgorithms(algs -> {
                        algs.add(SignatureAlgorithm.RS256);
                        algs.add(SignatureAlgorithm.ES256);
                    })
                    .build();
            keySet.setJwtValidator(validator);
        }
        return new PinnedAlgorithmDecoder(hmac, keySet);
    }

    static OAuth2TokenValidator<Jwt> validator(JwtSettings settings) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtTimestampValidator());
        validators.add(jwt -> jwt.getExpiresAt() != null
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "exp is required", null)));
        if (settings.issuer() != null && !settings.issuer().isBlank()) {
            validators.add(new JwtIssuerValidator(settings.issuer()));
        }
        if (settings.audience() != null && !settings.audience().isBlank()) {
            String audience = settings.audience();
            validators.add(jwt -> jwt.getAudience() != null && jwt.getAudience().contains(audience)
                    ? OAuth2TokenValidatorResult.success()
                    : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "audience not accepted", null)));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    /** Chooses the verifier by the header's algorithm; every other algorithm is refused outright. */
    private record PinnedAlgorithmDecoder(JwtDecoder hmac, JwtDecoder keySet) implements JwtDecoder {
        @Override
        public Jwt decode(String token) {
            JWT parsed;
            try {
                parsed = JWTParser.parse(token);
            } catch (ParseException | RuntimeException e) {
                throw new BadJwtException("malformed token");
            }
            if (!(parsed instanceof SignedJWT signed)) {
                throw new BadJwtException("unsigned tokens are not accepted");
            }
            JWSAlgorithm alg = signed.getHeader().getAlgorithm();
            if (JWSAlgorithm.HS256.equals(alg)) {
                return hmac.decode(token);
            }
            if (keySet != null && (JWSAlgorithm.RS256.equals(alg) || JWSAlgorithm.ES256.equals(alg))) {
                return keySet.decode(token);
            }
            throw new BadJwtException("algorithm not accepted");
        }
    }
}
