package com.ims.gateway.session;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

import com.ims.gateway.config.GatewayProperties;
import com.ims.gateway.inbound.FrameAssembler;
import com.ims.gateway.inbound.InboundLimiter;
import com.ims.protocol.Ids;
import com.ims.support.auth.Principal;

/** Builds a {@link Connection} with the gateway's settings and the pools every connection shares. */
public final class ConnectionFactory {

    static final String TOMCAT_BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";

    private final GatewayProperties.Ws ws;
    private final GatewayProperties.Outbound outbound;
    private final RateLimiterConfig rateLimits;
    private final Executor writers;
    private final Executor closers;
    private final ConnectionHooks hooks;
    /** Distinct role lists seen in tokens, shared by the connections that carry them; bounded against odd tokens. */
    private final ConcurrentHashMap<List<String>, List<String>> roleLists = new ConcurrentHashMap<>();
    static final int MAX_SHARED_ROLE_LISTS = 1024;

    public ConnectionFactory(GatewayProperties properties, Executor writers, Executor closers, ConnectionHooks hooks) {
        this.ws = properties.ws();
        this.outbound = properties.outbound();
        this.rateLimits = InboundLimiter.sharedConfig(ws.rateLimit());
        this.writers = writers;
        this.closers = closers;
        this.hooks = hooks;
    }

    /** A connection on the servlet container's session: writes and closes on the shared pools. */
    public Connection create(Principal principal, WebSocketSession session, long now) {
        limitBlockingSends(session);
        return create(principal, new SpringSessionSocket(session, writers, closers), now);
    }

    /** A connection on {@code socket}; partial client messages are joined here only for the servlet container's. */
    public Connection create(Principal principal, ClientSocket socket, long now) {
        String clientId = Ids.newId();
        return new Connection(clientId, shared(principal), socket, now,
                ws.heartbeatInterval().toMillis(), ws.syncTimeout().toMillis(), ws.maxHeldDeliveries(),
                new OutboundQueue(outbound.maxFrames(), outbound.maxBytes()), hooks,
                InboundLimiter.create(clientId, rateLimits, ws.floodFactor(), ws.floodWindow()),
                socket instanceof SpringSessionSocket ? new FrameAssembler(ws.maxFrameBytes()) : null);
    }

    /**
     * The principal a connection keeps for its lifetime, with its tenant and roles shared between connections: tokens of
     * one tenant carry the same few role lists, and each connection would otherwise hold its own decoded copies.
     */
    private Principal shared(Principal principal) {
        List<String> roles = principal.roles();
        if (!roles.isEmpty()) {
            List<String> known = roleLists.get(roles);
            if (known != null) {
                roles = known;
            } else {
                roles = roles.stream().map(String::intern).toList();
                if (roleLists.size() < MAX_SHARED_ROLE_LISTS) {
                    roleLists.putIfAbsent(roles, roles);
                }
            }
        }
        return new Principal(principal.subject(), principal.tenant().intern(), roles, principal.scopes(),
                principal.expiresAt());
    }

    /**
     * A writer thread blocked on a client that stopped reading holds one of the few shared writers; Tomcat would wait
     * 20 s by default. The send timeout bounds that wait, after which the write fails and the connection is closed.
     */
    private void limitBlockingSends(WebSocketSession session) {
        if (session instanceof NativeWebSocketSession nativeSession
                && nativeSession.getNativeSession() instanceof jakarta.websocket.Session jakarta) {
            jakarta.getUserProperties().put(TOMCAT_BLOCKING_SEND_TIMEOUT, outbound.sendTimeout().toMillis());
        }
    }
}
