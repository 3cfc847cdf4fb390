package com.ims.gateway.auth;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Takes {@code ?token=} out of {@code /ws} requests before anything else sees them: the token moves to a request attribute
 * and the query string every later component sees (Spring's request logging, the WebSocket session's URI) says
 * {@code token=***}. So no debug log and no session dump can print a token.
 */
public final class TokenQueryMaskingFilter extends OncePerRequestFilter {

    /** Request attribute holding the raw query token for {@link WsHandshakeInterceptor}. */
    public static final String TOKEN_ATTRIBUTE = TokenQueryMaskingFilter.class.getName() + ".token";
    static final String PARAM = "token";
    static final String MASK = "***";

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getQueryString() == null || !request.getQueryString().contains(PARAM + "=");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = null;
        StringBuilder masked = new StringBuilder();
        for (String pair : request.getQueryString().split("&")) {
            if (!masked.isEmpty()) {
                masked.append('&');
            }
            if (pair.startsWith(PARAM + "=")) {
                if (token == null) {
                    token = URLDecoder.decode(pair.substring(PARAM.length() + 1), StandardCharsets.UTF_8);
                }
                masked.append(PARAM).append('=').append(MASK);
            } else {
                masked.append(pair);
            }
        }
        if (token != null) {
            request.setAttribute(TOKEN_ATTRIBUTE, token);
        }
        chain.doFilter(new Masked(request, masked.toString()), response);
    }

    /** The request with the token replaced in the query string and the parameters. */
    private static final class Masked extends HttpServletRequestWrapper {
        private final String query;

        Masked(HttpServletRequest request, String query) {
            super(request);
            this.query = query;
        }

        @Override
        public String getQueryString() {
            return query;
        }

        @Override
        public String getParameter(String name) {
            return PARAM.equals(name) ? MASK : super.getParameter(name);
        }

        @Override
        public String[] getParameterValues(String name) {
            return PARAM.equals(name) ? new String[] {MASK} : super.getParameterValues(name);
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            Map<String, String[]> map = new LinkedHashMap<>(super.getParameterMap());
            map.computeIfPresent(PARAM, (k, v) -> new String[] {MASK});
            return Collections.unmodifiableMap(map);
        }
    }
}
