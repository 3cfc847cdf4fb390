package com.ims.support.auth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What the platform reads from a verified token (contract section 3).
 *
 * @param subject   user id or service name
 * @param tenant    {@code default} when the claim is absent
 * @param roles     the {@code roles} claim, empty when absent
 * @param scopes    the space-separated {@code scope} claim
 * @param expiresAt epoch ms
 */
public record Principal(String subject, String tenant, List<String> roles, Set<String> scopes, long expiresAt) {

    public static final String DEFAULT_TENANT = "default";
    public static final String SCOPE_PUBLISH = "ims:publish";
    public static final String SCOPE_ADMIN = "ims:admin";
    /** Compiled once: {@code String.split("\\s+")} compiles it on every call, and this runs on every API request. */
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    public static Principal of(Jwt jwt) {
        String tenant = jwt.getClaimAsString("tenant");
        List<String> roles = new ArrayList<>();
        Object rawRoles = jwt.getClaims().get("roles");
        if (rawRoles instanceof List<?> list) {
            for (Object r : list) {
                if (r instanceof String s && !s.isBlank()) {
                    roles.add(s);
                }
            }
        }
        String scope = jwt.getClaimAsString("scope");
        Set<String> scopes = scope == null ? Set.of()
                : Arrays.stream(WHITESPACE.split(scope.trim())).filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        long exp = jwt.getExpiresAt() == null ? Long.MAX_VALUE : jwt.getExpiresAt().toEpochMilli();
        return new Principal(jwt.getSubject(), tenant == null || tenant.isBlank() ? DEFAULT_TENANT : tenant,
                List.copyOf(roles), scopes, exp);
    }

    public boolean hasScope(String scope) {
        return scopes.contains(scope);
    }

    /**
     * The tenant a call acts on: the token's own, or {@code requested} for an admin caller (contract section 6).
     */
    public String tenantFor(String requested) {
        if (requested != null && !requested.isBlank() && hasScope(SCOPE_ADMIN)) {
            return requested;
        }
        return tenant;
    }
}
