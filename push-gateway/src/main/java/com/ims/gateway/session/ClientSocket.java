package com.ims.gateway.session;

import java.io.IOException;
import java.util.concurrent.Executor;

import org.springframework.web.socket.CloseStatus;

/**
 * The WebSocket a {@link Connection} writes to, as each WebSocket server offers it: Tomcat's through Spring's
 * {@code WebSocketSession} ({@link SpringSessionSocket}), or a Netty channel ({@code com.ims.gateway.netty}). A
 * connection's queue, drain, heartbeat and replay state are the same on both; only these steps differ.
 *
 * <p>Calls come from the connection's {@link #writer()} one drain at a time, except {@link #close}, which runs on
 * {@link #closer()}.
 */
public interface ClientSocket {

    /** Writes one frame: on Tomcat it returns once the frame is in the socket; on Netty it hands it to the channel. */
    void write(OutboundFrame frame) throws IOException;

    /** Pushes out what {@link #write} handed over; called when the drain runs out of frames or stops. */
    default void flush() {
    }

    /**
     * False while the socket's own buffer is above its limit: the drain stops and {@link Connection#resumeWrites()} starts
     * it again. A blocking socket is always writable (its write waits instead).
     */
    default boolean writable() {
        return true;
    }

    /**
     * The drain stopped on a full buffer ({@link #writable()} false): if it is not {@link #resumed()} within the send
     * timeout, {@code giveUp} runs on {@link #writer()} (the connection then closes, as after a failed write). Only
     * sockets that can stop the drain need this.
     */
    default void stalled(Runnable giveUp) {
    }

    /** The stopped drain goes on: the deadline of {@link #stalled} is off. */
    default void resumed() {
    }

    /** Sends the close frame and closes; may wait for a write in progress. */
    void close(CloseStatus status) throws IOException;

    /** Runs the connection's drains, one at a time per connection. */
    Executor writer();

    /** Runs the connection's closes. */
    Executor closer();

    /** Lets the server drop what it kept of the handshake; true when there is nothing more to try. */
    default boolean releaseHandshake() {
        return true;
    }
}
