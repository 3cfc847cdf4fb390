package com.ims.gateway.auth;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import com.ims.gateway.config.HeaderHidingRequest;

/**
 * Takes the token out of {@code /ws} requests before anything else sees them: a {@code ?token=} or an
 * {@code Authorization: Bearer} token moves to a request attribute; the query string every later component sees (Spring's
 * request logging, the WebSocket session's URI) says {@code token=***}, and the {@code Authorization} header is gone (Spring's
 * handshake handler logs every header at TRACE). So no debug or trace log and no session dump can print a token. Every
 * {@code /ws} request is wrapped (one short-lived object per handshake), also those without a token, so that a bad
 * query string never reaches the container's parameter parser (see {@link Masked}).
 */
public final class TokenQueryMaskingFilter extends OncePerRequestFilter {

    /** Request attribute holding the raw token (header or query) for {@link WsHandshakeInterceptor}. */
    public static final String TOKEN_ATTRIBUTE = TokenQueryMaskingFilter.class.getName() + ".token";
    static final String PARAM = "token";
    static final String MASK = "***";
    private static final String BEARER = "Bearer ";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        String token = bearer(request.getHeader(HttpHeaders.AUTHORIZATION));
        String masked = query;
        if (query != null) {
            StringBuilder out = new StringBuilder();
            for (String pair : query.split("&")) {
                if (!out.isEmpty()) {
                    out.append('&');
                }
                if (pair.startsWith(PARAM + "=")) {
                    if (token == null) { // the header wins, as it always did
                        token = decode(pair.substring(PARAM.length() + 1));
                    }
                    out.append(PARAM).append('=').append(MASK);
                } else {
                    appendWellFormed(out, pair);
                }
            }
            masked = out.toString();
        }
        if (token != null) {
            request.setAttribute(TOKEN_ATTRIBUTE, token);
        }
        chain.doFilter(new Masked(request, masked), response);
    }

    /**
     * Copies a query pair with each {@code %} that starts no valid escape written as {@code %25}: the container builds
     * the session's URI from this query string and fails the upgrade (an HTTP 500) on a malformed escape.
     */
    private static void appendWellFormed(StringBuilder out, String pair) {
        for (int i = 0, n = pair.length(); i < n; i++) {
            char c = pair.charAt(i);
            boolean badEscape = c == '%' && (i + 2 >= n
                    || Character.digit(pair.charAt(i + 1), 16) < 0 || Character.digit(pair.charAt(i + 2), 16) < 0);
            if (badEscape) {
                out.append("%25");
            } else {
                out.append(c);
            }
        }
    }

    /**
     * The token of a {@code /ws} handshake, as this filter finds it: the {@code Authorization: Bearer} header wins over
     * {@code ?token=} in {@code query} (the raw query string); null when there is neither. For WebSocket servers that
     * do not pass through this filter (the Netty server), which never log the request either.
     */
    public static String token(String authorization, String query) {
        String token = bearer(authorization);
        if (token != null || query == null) {
            return token;
        }
        for (String pair : query.split("&")) {
            if (pair.startsWith(PARAM + "=")) {
                return decode(pair.substring(PARAM.length() + 1));
            }
        }
        return null;
    }

    private static String bearer(String header) {
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return header.substring(BEARER.length()).trim();
        }
        return null;
    }

    /**
     * A bad percent-escape ({@code %zz}, a trailing {@code %}) leaves the value undecoded instead of throwing (an HTTP 500):
     * a JWT never holds a {@code %}, so such a token is refused as malformed and the handshake ends with 4001 like any
     * other malformed token.
     */
    private static String decode(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badEscape) {
            return value;
        }
    }

    /**
     * The request with the token replaced in the query string and the parameters, and without an Authorization header.
     * The parameters are parsed here from the masked query, leniently like {@link #decode}: the container's own parser
     * throws on a bad percent-escape, and the container's WebSocket upgrade reads the parameter map (an HTTP 500).
     */
    private static final class Masked extends HeaderHidingRequest {
        private final String query;
        private final Map<String, String[]> parameters;

        Masked(HttpServletRequest request, String query) {
            super(request, HttpHeaders.AUTHORIZATION);
            this.query = query;
            this.parameters = parse(query);
        }

        private static Map<String, String[]> parse(String query) {
            if (query == null || query.isEmpty()) {
                return Map.of();
            }
            Map<String, List<String>> values = new LinkedHashMap<>();
            for (String pair : query.split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                values.computeIfAbsent(name, n -> new ArrayList<>()).add(eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
            Map<String, String[]> map = new LinkedHashMap<>();
            values.forEach((name, list) -> map.put(name, list.toArray(String[]::new)));
            return Collections.unmodifiableMap(map);
        }

        @Override
        public String getQueryString() {
            return query;
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values[0];
        }

        @Override
        public String[] getParameterValues(String name) {
            String[] values = parameters.get(name);
            return values == null ? null : values.clone();
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(parameters.keySet());
        }
    }
}
