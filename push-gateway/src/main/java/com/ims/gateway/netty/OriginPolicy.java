package com.ims.gateway.netty;

import java.net.URI;
import java.util.List;
import java.util.Locale;

import org.springframework.web.cors.CorsConfiguration;

/**
 * The Origin check of a {@code /ws} handshake, as Spring's {@code OriginHandshakeInterceptor} makes it on Tomcat: a
 * handshake without Origin (not a browser) passes, a same-origin page passes, any other Origin must match
 * IMS_ALLOWED_ORIGINS (patterns, as {@link CorsConfiguration#setAllowedOriginPatterns}).
 */
final class OriginPolicy {

    private final CorsConfiguration patterns = new CorsConfiguration();

    OriginPolicy(List<String> allowedPatterns) {
        patterns.setAllowedOriginPatterns(allowedPatterns);
    }

    boolean allows(String origin, String host, boolean tls) {
        if (origin == null) {
            return true;
        }
        if (origin.isBlank()) {
            return false;
        }
        return sameOrigin(origin, host, tls) || patterns.checkOrigin(origin) != null;
    }

    private static boolean sameOrigin(String origin, String host, boolean tls) {
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals(tls ? "https" : "http") || uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
            URI own = URI.create(scheme + "://" + host);
            int ownPort = own.getPort() >= 0 ? own.getPort() : tls ? 443 : 80;
            return uri.getHost().equalsIgnoreCase(own.getHost()) && port == ownPort;
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }
}
