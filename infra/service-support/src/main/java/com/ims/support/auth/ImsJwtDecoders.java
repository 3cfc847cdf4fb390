package com.ims.support.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
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
 *     algorithms; the header only chooses which verifier refuses a forgery. The JWK Set is read through Nimbus' own source
 *     chain ({@link #jwkSource}) rather than Spring's {@code withJwkSetUri}, because Spring 7 builds that chain with rate
 *     limiting switched off: every token naming an unknown {@code kid} would then cost one fetch from the identity
 *     provider. Ours caches the set, refetches on an unknown {@code kid} with one fetch in flight at a time (the other
 *     callers wait and reuse its result), and allows at most two fetches per {@link #JWKS_MIN_REFETCH_INTERVAL}.
 */
public final class ImsJwtDecoders {

    private static final Logger log = LoggerFactory.getLogger(ImsJwtDecoders.class);
    static final int MIN_SECRET_BYTES = 32;
    /** How long a fetched JWK Set is trusted before it is fetched again. */
    static final Duration JWKS_CACHE_TTL = Duration.ofMinutes(5);
    /** How long callers wait for the one fetch in flight before giving up (the token is then refused, 401). */
    static final Duration JWKS_REFRESH_WAIT = Duration.ofSeconds(15);
    /** Nimbus allows two fetches per interval: one for a rotation, one spare; more unknown {@code kid}s are refused. */
    static final Duration JWKS_MIN_REFETCH_INTERVAL = Duration.ofSeconds(30);
    static final int JWKS_HTTP_TIMEOUT_MS = 2_000;
    static final int JWKS_MAX_BYTES = 64 * 1024;

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
            keySet = NimbusJwtDecoder.withJwkSource(jwkSource(settings.jwksUri()))
                    .jwsAlgorithms(algs -> {
                        algs.add(SignatureAlgorithm.RS256);
                        algs.add(SignatureAlgorithm.ES256);
                    })
                    .build();
            keySet.setJwtValidator(validator);
        }
        return new PinnedAlgorithmDecoder(hmac, keySet);
    }

    /**
     * The JWK Set behind RS256/ES256: cached {@link #JWKS_CACHE_TTL}; a token with an unknown {@code kid} triggers a refetch
     * (that is how key rotation is picked up without a restart), single-flight under Nimbus' cache lock and rate limited
     * so a flood of made-up {@code kid}s cannot turn into a flood of requests to the identity provider.
     */
    static JWKSource<SecurityContext> jwkSource(String jwksUri) {
        URL url;
        try {
            url = URI.create(jwksUri).toURL();
        } catch (IllegalArgumentException | MalformedURLException e) {
            throw new IllegalStateException("IMS_JWT_JWKS_URI is not a valid URL: " + jwksUri, e);
        }
        return JWKSourceBuilder.<SecurityContext>create(url,
                        new DefaultResourceRetriever(JWKS_HTTP_TIMEOUT_MS, JWKS_HTTP_TIMEOUT_MS, JWKS_MAX_BYTES))
                .cache(JWKS_CACHE_TTL.toMillis(), JWKS_REFRESH_WAIT.toMillis())
                // no background refresher thread: an expired set is refetched by the first caller, the others wait for it
                .refreshAheadCache(false)
                .rateLimited(JWKS_MIN_REFETCH_INTERVAL.toMillis())
                .build();
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
