package com.ims.support.auth;

/**
 * How tokens are verified; every service binds these from {@code ims.jwt.*} (env {@code IMS_JWT_*}).
 *
 * @param secret   HS256 key, at least 32 bytes; the dev-only default is refused unless {@code devMode}
 * @param jwksUri  when set, RS256/ES256 tokens are verified against this JWK Set as well
 * @param issuer   when set, the {@code iss} claim must equal it
 * @param audience when set, the {@code aud} claim must contain it
 * @param devMode  true under {@code ./ims dev} and in tests: allows the dev-only secret
 */
public record JwtSettings(String secret, String jwksUri, String issuer, String audience, boolean devMode) {

    /** The key every dev platform shares; printed as such at start and refused outside dev mode. */
    public static final String DEV_SECRET = "ims-dev-only-secret-do-not-use-in-production-0123456789";

    public boolean usesDevSecret() {
        return secret == null || secret.isBlank() || DEV_SECRET.equals(secret);
    }

    public String effectiveSecret() {
        return usesDevSecret() ? DEV_SECRET : secret;
    }

    public boolean hasJwks() {
        return jwksUri != null && !jwksUri.isBlank();
    }
}
