package com.ims.gateway.netty;

import java.util.concurrent.Executor;
import java.util.function.IntSupplier;

import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;

import com.ims.gateway.auth.TokenAuthenticator;
import com.ims.gateway.session.ConnectionFactory;
import com.ims.gateway.session.SocketEvents;

/**
 * What every channel of the Netty server shares: the gateway's domain services, the handshake's checks, and where the
 * servlet container listens for relayed requests.
 *
 * @param verifiers     verifies tokens off the event loops (a JWKS fetch may block)
 * @param url           the WebSocket URL the handshaker names (only its path matters)
 * @param closeWaitMillis how long a close frame may take to leave before the socket is closed anyway
 * @param backend       the servlet container's loopback port, read when a relay connects (the container started first)
 */
record NettyEdge(SocketEvents events, ConnectionFactory factory, TokenAuthenticator authenticator, Executor verifiers,
                 OriginPolicy origins, WebSocketDecoderConfig decoderConfig, String url, int maxFrameBytes,
                 long closeWaitMillis, boolean tls, FrontPeer peer, Transport transport, IntSupplier backend) {

    int backendPort() {
        return backend.getAsInt();
    }
}
