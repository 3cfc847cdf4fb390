package com.ims.gateway.session;

import java.io.IOException;
import java.util.concurrent.Executor;

import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.adapter.NativeWebSocketSession;

/**
 * A connection's socket on the servlet container (Tomcat, Spring's raw WebSocket API). Writes block until the frame is in
 * the socket (bounded by the send timeout), so they run on the shared writer pool, never on the caller's thread.
 */
public final class SpringSessionSocket implements ClientSocket {

    private final WebSocketSession session;
    private final Executor writers;
    private final Executor closers;
    /** Sweeps left that try to let the container drop its handshake copy; touched by the sweeper thread only. */
    private byte handshakeReleaseTries = HANDSHAKE_RELEASE_TRIES;
    private static final byte HANDSHAKE_RELEASE_TRIES = 3;

    public SpringSessionSocket(WebSocketSession session, Executor writers, Executor closers) {
        this.session = session;
        this.writers = writers;
        this.closers = closers;
    }

    public WebSocketSession session() {
        return session;
    }

    @Override
    public void write(OutboundFrame frame) throws IOException {
        if (!EncodedTextSender.send(nativeSession(), frame.utf8())) {
            session.sendMessage(frame.message());
        }
    }

    @Override
    public void close(CloseStatus status) throws IOException {
        session.close(status);
    }

    @Override
    public Executor writer() {
        return writers;
    }

    @Override
    public Executor closer() {
        return closers;
    }

    /**
     * Lets Tomcat forget the handshake request it keeps per socket ({@link HandshakeRelease}), tried on a few sweeps
     * because the container's path to it exists only while no read is being dispatched.
     */
    @Override
    public boolean releaseHandshake() {
        if (handshakeReleaseTries <= 0) {
            return true;
        }
        if (!HandshakeRelease.supported() || nativeSession() == null) {
            handshakeReleaseTries = 0;
            return true;
        }
        boolean released = HandshakeRelease.release(nativeSession());
        if (released || --handshakeReleaseTries == 0) {
            handshakeReleaseTries = 0;
            HandshakeRelease.report(released);
            return true;
        }
        return false;
    }

    private Object nativeSession() {
        return session instanceof NativeWebSocketSession nativeSession ? nativeSession.getNativeSession() : null;
    }
}
