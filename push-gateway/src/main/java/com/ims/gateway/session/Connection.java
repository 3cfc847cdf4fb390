package com.ims.gateway.session;

import com.ims.protocol.internal.ReplayPage;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;

import com.ims.gateway.inbound.FrameAssembler;
import com.ims.gateway.inbound.InboundLimiter;
import com.ims.protocol.CloseCodes;
import com.ims.protocol.UserKey;
import com.ims.support.auth.Principal;

/**
 * One authenticated WebSocket connection: who it belongs to, its bounded outbound queue, its heartbeat and replay state.
 * Every write goes through the queue and is drained on the socket's writer (Tomcat: the shared writer pool; Netty: the
 * channel's event loop), one drain at a time per connection, so the caller (the Kafka listener, the sweeper, the socket's
 * own thread) never blocks on the socket.
 */
public final class Connection {

    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    private final String clientId;
    private final UserKey user;
    /** Roles and token expiry: the sweeper closes with 4003 when the token's exp passes. */
    private final Principal principal;
    /** The socket and the executors its writes and closes run on, shared by many connections: none owns a thread or a timer. */
    private final ClientSocket socket;
    private final long connectedAt;
    private final OutboundQueue queue;
    private final ConnectionHooks hooks;
    private final InboundLimiter inbound;
    /** Joins partial inbound messages (the container's receive buffer is small on purpose); null on Netty, which joins them. */
    private final FrameAssembler assembler;
    /** True while a drain task is queued or running: at most one writer per socket, as the WebSocket API requires. */
    private final AtomicBoolean draining = new AtomicBoolean();
    /**
     * Set by a drain that stopped because the socket's buffer is full (it keeps {@code draining}): the drain that
     * {@link #resumeWrites()} starts takes over. Whoever clears it runs the next drain, so exactly one does.
     */
    private final AtomicBoolean stalled = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /**
     * Set by the closes that drop what is queued ({@link #close}, {@link #markClosed}, a failed write), never by
     * {@link #closeAfterQueued}: the drain tests this, not {@code closed}, because {@code closeAfterQueued} sets
     * {@code closed} before {@link #closeWhenDrained}, and a writer polling in between must still write the queued frames.
     */
    private volatile boolean dropQueued;
    /** Set by {@link #closeAfterQueued}: the close the drain sends once the frames queued before it are written. */
    private volatile CloseStatus closeWhenDrained;
    /** Whether CONNECTED was published for this connection (guarded by {@code this}): only then is DISCONNECTED. */
    private boolean announced;

    /** Next time the sweeper sends a ping; each connection keeps its own phase, so pings spread over the interval. */
    private volatile long nextPingAt;
    /** When the oldest unanswered ping was sent; 0 when none is outstanding. */
    private volatile long awaitingPongSince;
    /** Non-null while SYNCING; guarded by {@code this}. Dropped afterwards so a live connection carries no replay state. */
    private SyncBuffer sync;
    /**
     * The replay page to ask for once the queue is written out (REPLAY_MORE came); null otherwise. While set, the sync
     * does not time out: the client is still reading the page before it. Written under {@code this}; volatile so that
     * the drain, which checks it after every queue it empties, takes the lock only when a page is pending.
     */
    private volatile ReplayPage pendingPage;
    /** The replay page asked for and not answered yet (no REPLAY_MORE or REPLAY_DONE since); guarded by {@code this}. */
    private ReplayPage requestedPage;
    /**
     * Where the last accepted REPLAY_MORE ended ({@code afterSeq}); guarded by {@code this}. Each page ends later than the
     * one before, so a REPLAY_MORE that does not is a repeat (notification-service handled a request or a connect twice,
     * after a retried batch) and is ignored rather than start a second chain of pages.
     */
    private long pagedUpTo = -1;
    /** Whether the socket may still hold handshake data to let go of; touched by the sweeper thread only. */
    private boolean handshakeHeld = true;

    public Connection(String clientId, Principal principal, ClientSocket socket, long now, long pingInterval,
                      long syncTimeout, int maxHeld, OutboundQueue queue, ConnectionHooks hooks,
                      InboundLimiter inbound, FrameAssembler assembler) {
        this.clientId = clientId;
        this.principal = principal;
        this.user = new UserKey(principal.tenant(), principal.subject());
        this.socket = socket;
        this.connectedAt = now;
        this.queue = queue;
        this.hooks = hooks;
        this.inbound = inbound;
        this.assembler = assembler;
        this.nextPingAt = now + pingInterval;
        this.sync = new SyncBuffer(maxHeld, now, syncTimeout);
    }

    public String clientId() {
        return clientId;
    }

    public UserKey user() {
        return user;
    }

    public Principal principal() {
        return principal;
    }

    public long connectedAt() {
        return connectedAt;
    }

    public InboundLimiter inbound() {
        return inbound;
    }

    public FrameAssembler assembler() {
        return assembler;
    }

    public ClientSocket socket() {
        return socket;
    }

    public int queuedFrames() {
        return queue.size();
    }

    /**
     * The replay page size this connection takes its backlog in (offered with its CONNECTED event): half its outbound
     * queue's limits, so that a page and the pings, pongs and errors around it never pass them.
     */
    public ReplayPage replayOffer() {
        return ReplayPage.first(Math.max(1, queue.maxFrames() / 2), Math.max(1, queue.maxBytes() / 2));
    }

    public synchronized ConnectionState state() {
        return closed.get() ? ConnectionState.CLOSED : sync != null ? ConnectionState.SYNCING : ConnectionState.LIVE;
    }

    // ---- outbound ----------------------------------------------------------------------------------------------

    /** Queues a frame for writing; a full queue closes the connection with 4010. False when the frame was not queued. */
    public boolean send(OutboundFrame frame) {
        if (closed.get()) {
            return false;
        }
        if (!queue.offer(frame)) {
            log.warn("outbound queue full, closing clientId={} userId={} tenant={} frames={} bytes={}",
                    clientId, user.userId(), user.tenant(), queue.size(), queue.bytes());
            close(CloseCodes.TOO_SLOW);
            return false;
        }
        scheduleDrain();
        return true;
    }

    /** Starts a drain unless one is queued or running: at most one writer per socket. */
    private void scheduleDrain() {
        if (draining.compareAndSet(false, true)) {
            socket.writer().execute(this::drain);
        }
    }

    /** The socket's buffer drained below its limit: the drain that stopped on it goes on (Netty's writability event). */
    public void resumeWrites() {
        if (stalled.compareAndSet(true, false)) {
            socket.resumed();
            socket.writer().execute(this::drain);
        }
    }

    /**
     * The socket took nothing for the send timeout: a client that stopped reading, closed as after a failed write
     * (also when a close after the queued frames was waiting for them: it would otherwise never be sent).
     */
    private void stalledTooLong() {
        if (stalled.compareAndSet(true, false)) {
            log.debug("write stalled past the send timeout clientId={} userId={}", clientId, user.userId());
            dropQueued = true;
            closeWhenDrained = null;
            queue.clear();
            closeQuietly(CloseStatus.SESSION_NOT_RELIABLE);
        }
    }

    /** A live delivery: held while the connection is syncing, written otherwise. */
    public void deliverLive(OutboundFrame frame) {
        synchronized (this) {
            if (sync != null) {
                if (!sync.hold(frame)) {
                    log.warn("too many deliveries held during sync, closing clientId={} userId={} held={}",
                            clientId, user.userId(), sync.heldCount());
                    close(CloseCodes.TOO_SLOW);
                }
                return;
            }
        }
        send(frame);
    }

    /**
     * A replayed delivery addressed to this connection: written at once, and remembered so the held copy is skipped.
     * While syncing, a frame the replay already sent (a repeated page) is dropped.
     */
    public void deliverReplay(OutboundFrame frame) {
        synchronized (this) {
            if (sync != null && !sync.replayed(frame)) {
                return;
            }
            // Sent inside the lock so a concurrent finishSync cannot overtake it with newer held frames.
            send(frame);
        }
    }

    /** The replay ended (REPLAY_DONE): no page is wanted any more, and SYNCING ends. */
    public synchronized boolean replayDone() {
        pendingPage = null;
        requestedPage = null;
        return finishSync();
    }

    /**
     * Ends the sync if it timed out at {@code now} ({@link #syncExpired}, checked under the same lock, so a page asked
     * for in between keeps it): SYNCING ends, and a page asked for and not answered is asked for once more (the request
     * or its answer may have been lost), so the backlog still comes, if no longer before the live messages.
     *
     * @return whether the sync ended here
     */
    public boolean syncTimedOut(long now) {
        ReplayPage retry;
        synchronized (this) {
            if (!syncExpired(now)) {
                return false;
            }
            finishSync();
            retry = requestedPage;
            requestedPage = null;
        }
        if (retry != null && !closed.get()) {
            hooks.replayNext(this, retry);
        }
        return true;
    }

    /** Ends SYNCING: flushes held frames in order, minus those replayed. */
    public synchronized boolean finishSync() {
        if (sync == null) {
            return false;
        }
        List<OutboundFrame> release = sync.release();
        sync = null;
        for (OutboundFrame frame : release) {
            send(frame);
        }
        return true;
    }

    /**
     * A replay page ended and {@code next} follows on request: asked for as soon as what is queued now, the page among
     * it, is written (by the drain). Works after the sync ended too (timed out), so the backlog still comes whole.
     */
    public void replayMore(ReplayPage next) {
        synchronized (this) {
            if (closed.get() || next.afterSeq() <= pagedUpTo) {
                return;
            }
            pagedUpTo = next.afterSeq();
            requestedPage = null;
            pendingPage = next;
        }
        scheduleDrain();
    }

    /** Asks for the pending replay page, if any; called by the drain when the queue is empty. */
    private void requestPendingPage() {
        if (pendingPage == null) {
            return;
        }
        ReplayPage next;
        synchronized (this) {
            next = pendingPage;
            if (next == null || closed.get()) {
                return;
            }
            pendingPage = null;
            requestedPage = next;
            if (sync != null) {
                // The wait for the next page starts now: the time the client took to read the last one does not count.
                // Together with clearing pendingPage, under the lock syncExpired takes: never an old deadline between.
                sync.restartWait(System.currentTimeMillis());
            }
        }
        hooks.replayNext(this, next);
    }

    public synchronized boolean syncExpired(long now) {
        return sync != null && pendingPage == null && now >= sync.deadline;
    }

    private void drain() {
        while (true) {
            OutboundFrame frame;
            while ((frame = queue.poll()) != null) {
                if (dropQueued) {
                    queue.clear();
                    break;
                }
                try {
                    socket.write(frame);
                    hooks.written(this, frame);
                } catch (IOException | RuntimeException e) {
                    log.debug("write failed clientId={} userId={} error={}", clientId, user.userId(), e.toString());
                    dropQueued = true;
                    queue.clear();
                    closeQuietly(CloseStatus.SESSION_NOT_RELIABLE);
                    break;
                }
                if (!socket.writable() && stall()) {
                    return;
                }
            }
            socket.flush();
            requestPendingPage();
            CloseStatus last = closeWhenDrained;
            if (last != null) {
                // Nothing more can be queued (closed is set), so the queue is empty for good: send the close now.
                closeWhenDrained = null;
                closeQuietly(last);
                return;
            }
            draining.set(false);
            // A frame, or a close after the queued frames, added after the last poll but before the flag cleared would
            // otherwise wait for the next send, which may never come.
            boolean more = (!queue.isEmpty() && !closed.get()) || closeWhenDrained != null
                    || (pendingPage != null && !closed.get());
            if (!more || !draining.compareAndSet(false, true)) {
                return;
            }
        }
    }

    /**
     * Stops this drain while the socket's buffer is full, keeping {@code draining} so no other drain starts: the frames
     * wait in the bounded queue (a client that stays too slow fills it: 4010; one that takes nothing for the send
     * timeout is closed by {@link #stalledTooLong()}). What was handed over is flushed first, and if that alone brought
     * the buffer below its limit, the drain goes on at once.
     *
     * @return true when this drain must return ({@link #resumeWrites()} starts the next one)
     */
    private boolean stall() {
        stalled.set(true);
        socket.stalled(this::stalledTooLong);
        socket.flush();
        // A writability event fired during the flush has already cleared the flag and started the next drain.
        if (socket.writable() && stalled.compareAndSet(true, false)) {
            socket.resumed();
            return false;
        }
        return true;
    }

    // ---- heartbeat ---------------------------------------------------------------------------------------------

    public long nextPingAt() {
        return nextPingAt;
    }

    public long awaitingPongSince() {
        return awaitingPongSince;
    }

    public void pingSent(long now, long interval) {
        if (awaitingPongSince == 0) {
            awaitingPongSince = now;
        }
        nextPingAt = now + interval;
    }

    public void pongReceived() {
        awaitingPongSince = 0;
    }

    /** Lets the server forget what it kept of the handshake (Tomcat: {@link HandshakeRelease}); called by the sweeper. */
    public void releaseHandshake() {
        if (handshakeHeld && socket.releaseHandshake()) {
            handshakeHeld = false;
        }
    }

    // ---- closing -----------------------------------------------------------------------------------------------

    public boolean isClosed() {
        return closed.get();
    }

    /** Closes with a contract close code, off the caller's thread; only the first close of a connection counts. */
    public void close(CloseCodes code) {
        if (closed.compareAndSet(false, true)) {
            dropQueued = true;
            hooks.closing(this, code);
            queue.clear();
            CloseStatus status = new CloseStatus(code.code(), code.reason());
            socket.closer().execute(() -> closeQuietly(status));
        }
    }

    /**
     * Closes with a contract close code once the frames already queued are written (the {@code error} frames that
     * explain the close), and accepts no more; only the first close of a connection counts.
     */
    public void closeAfterQueued(CloseCodes code) {
        if (closed.compareAndSet(false, true)) {
            hooks.closing(this, code);
            closeWhenDrained = new CloseStatus(code.code(), code.reason());
            scheduleDrain();
        }
    }

    /** The socket closed (by either side): no more writes. */
    public void markClosed() {
        closed.set(true);
        dropQueued = true;
        queue.clear();
    }

    /**
     * Publishes the connection's CONNECTED event ({@code announce}) unless it is already closing. Together with
     * {@link #closedAfterAnnounce} this keeps a connection's presence events paired and in order, whichever thread
     * closes it: no DISCONNECTED without a CONNECTED, and never a CONNECTED after its DISCONNECTED.
     */
    public synchronized void announce(Runnable announce) {
        if (!closed.get()) {
            announced = true;
            announce.run();
        }
    }

    /** The socket closed: no more writes; runs {@code disconnected} (the DISCONNECTED event) only if CONNECTED went out. */
    public void closedAfterAnnounce(Runnable disconnected) {
        markClosed();
        synchronized (this) {
            // closed is set before this lock, so an announce that has not run yet never will.
            if (announced) {
                announced = false;
                disconnected.run();
            }
        }
    }

    private void closeQuietly(CloseStatus status) {
        closed.set(true);
        try {
            socket.close(status);
        } catch (IOException | RuntimeException e) {
            log.debug("close failed clientId={} error={}", clientId, e.toString());
        }
    }

    @Override
    public String toString() {
        return "Connection[clientId=" + clientId + ", user=" + user + "]";
    }
}
