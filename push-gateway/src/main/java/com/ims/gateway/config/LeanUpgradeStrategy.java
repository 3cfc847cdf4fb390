package com.ims.gateway.config;

import java.security.Principal;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.Decoder;
import jakarta.websocket.Encoder;
import jakarta.websocket.Endpoint;
import jakarta.websocket.Extension;
import jakarta.websocket.server.ServerEndpointConfig;

import org.springframework.http.HttpHeaders;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.socket.WebSocketExtension;
import org.springframework.web.socket.WebSocketHandler;
import org.springframework.web.socket.adapter.standard.StandardWebSocketHandlerAdapter;
import org.springframework.web.socket.adapter.standard.StandardWebSocketSession;
import org.springframework.web.socket.server.HandshakeFailureException;
import org.springframework.web.socket.server.standard.StandardWebSocketUpgradeStrategy;

/**
 * Spring's Jakarta upgrade ({@link StandardWebSocketUpgradeStrategy#upgrade}, same steps), minus what every session would
 * keep of its handshake for its whole life and the gateway never reads: a copy of all request headers
 * ({@code WebSocketSession.getHandshakeHeaders()} is empty here), the local address, and a full
 * {@code ServerEndpointRegistration} (lists, a user-property map) per session.
 *
 * @implNote Measured per idle connection (docs/services/push-gateway.md): the header copy alone is about 1 KB for the
 *     six headers of a bare client and several KB for a browser (User-Agent, cookies, Accept-Language ...). The handshake
 *     is checked before this point (Origin, version, key), and the container's upgrade reads the servlet request, not
 *     these copies. The remote address stays: the handler logs it.
 *     <p>No WebSocket extension is negotiated. Browsers offer {@code permessage-deflate} on every connection, and for
 *     each one that accepts it Tomcat holds a zlib deflater and inflater for the socket's life: measured here with 1,000
 *     idle connections offering it, 60–113 KB of RSS per connection against 1–14 KB without (docs/services/push-gateway.md).
 *     Notifications are small JSON frames, so compression saves little on the wire for that cost. Spring is told there
 *     are no extensions, and the container, which negotiates its built-in ones from the request header by itself, does
 *     not see the client's offer.
 */
final class LeanUpgradeStrategy extends StandardWebSocketUpgradeStrategy {

    /** One read-only empty instance for every session (Spring wraps a writable one per session otherwise). */
    private static final HttpHeaders NO_HEADERS = HttpHeaders.readOnlyHttpHeaders(new HttpHeaders());

    @Override
    public void upgrade(ServerHttpRequest request, ServerHttpResponse response, String selectedProtocol,
                        List<WebSocketExtension> selectedExtensions, Principal user, WebSocketHandler wsHandler,
                        Map<String, Object> attrs) throws HandshakeFailureException {
        StandardWebSocketSession session = new StandardWebSocketSession(NO_HEADERS, attrs, null,
                request.getRemoteAddress(), user);
        StandardWebSocketHandlerAdapter endpoint = new StandardWebSocketHandlerAdapter(wsHandler, session);
        HttpServletRequest servletRequest = new NoExtensionOffer(getHttpServletRequest(request));
        HttpServletResponse servletResponse = getHttpServletResponse(response);
        SessionEndpointConfig config = new SessionEndpointConfig(servletRequest.getRequestURI().intern(), endpoint,
                selectedProtocol == null ? List.of() : List.of(selectedProtocol), List.of());
        try {
            getContainer(servletRequest).upgradeHttpToWebSocket(servletRequest, servletResponse, config,
                    Collections.emptyMap());
        } catch (Exception ex) {
            throw new HandshakeFailureException("Servlet request failed to upgrade to WebSocket: "
                    + servletRequest.getRequestURL(), ex);
        }
    }

    /** None: see the class comment on {@code permessage-deflate}. */
    @Override
    public List<WebSocketExtension> getSupportedExtensions(ServerHttpRequest request) {
        return List.of();
    }

    /** The upgrade request as the container sees it: without the client's {@code Sec-WebSocket-Extensions} offer. */
    private static final class NoExtensionOffer extends HeaderHidingRequest {

        NoExtensionOffer(HttpServletRequest request) {
            super(request, "Sec-WebSocket-Extensions");
        }
    }

    /**
     * The per-session endpoint configuration: the endpoint instance and what was negotiated, nothing else. The container
     * copies the user properties into the session's own map, so an immutable empty map is enough here.
     */
    private static final class SessionEndpointConfig extends ServerEndpointConfig.Configurator
            implements ServerEndpointConfig {

        private final String path;
        private final Endpoint endpoint;
        private final List<String> subprotocols;
        private final List<Extension> extensions;

        SessionEndpointConfig(String path, Endpoint endpoint, List<String> subprotocols, List<Extension> extensions) {
            this.path = path;
            this.endpoint = endpoint;
            this.subprotocols = subprotocols;
            this.extensions = extensions;
        }

        @Override
        public Class<?> getEndpointClass() {
            return endpoint.getClass();
        }

        @Override
        public String getPath() {
            return path;
        }

        @Override
        public List<String> getSubprotocols() {
            return subprotocols;
        }

        @Override
        public List<Extension> getExtensions() {
            return extensions;
        }

        @Override
        public Configurator getConfigurator() {
            return this;
        }

        @Override
        public List<Class<? extends Encoder>> getEncoders() {
            return List.of();
        }

        @Override
        public List<Class<? extends Decoder>> getDecoders() {
            return List.of();
        }

        @Override
        public Map<String, Object> getUserProperties() {
            return Map.of();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getEndpointInstance(Class<T> endpointClass) {
            return (T) endpoint;
        }
    }
}
