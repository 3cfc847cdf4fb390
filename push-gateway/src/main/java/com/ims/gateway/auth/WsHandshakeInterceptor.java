package com.ims.gateway.auth;

import java.util.Map;

import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.server.HandshakeInterceptor;

/**
 * Authenticates the {@code /ws} handshake but never refuses it: a browser cannot read an HTTP 401 on a WebSocket upgrade,
 * so the upgrade is accepted and the handler closes with 4001 "Unauthorized" at once. The result goes into the session
 * attributes; the token does not.
 */
public final class WsHandshakeInterceptor implements HandshakeInterceptor {

    public static final String AUTH_ATTRIBUTE = "ims.auth";

    private final TokenAuthenticator authenticator;

    public WsHandshakeInterceptor(TokenAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public boolean beforeHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                                   Map<String, Object> attributes) {
        attributes.put(AUTH_ATTRIBUTE, authenticator.authenticate(token(request)));
        return true;
    }

    @Override
    public void afterHandshake(ServerHttpRequest request, ServerHttpResponse response, WebSocketHandler handler,
                               Exception exception) {
    }

    /** The filter took the token (header or query) out of the request everybody else sees; see its javadoc. */
    static String token(ServerHttpRequest request) {
        if (request instanceof ServletServerHttpRequest servlet
                && servlet.getServletRequest().getAttribute(TokenQueryMaskingFilter.TOKEN_ATTRIBUTE) instanceof String t) {
            return t;
        }
        return null;
    }
}
