package com.ims.loadgen.ws;

import com.ims.loadgen.metrics.Counters;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated client. Its channel's events arrive on one of the fleet's few loop threads, so nothing here blocks, and
 * there is no thread or timer of its own (acks are flushed by the fleet's one batcher).
 */
public final class Connection implements WsListener {

    /** ~3 KB of ids per frame, far below the gateway's 64 KB frame limit. */
    static final int MAX_IDS_PER_ACK = 100;

    private final Fleet fleet;
    private final int index;
    private final String userId;
    private final String token;

    private volatile WsChannel socket;
    private boolean ready;                   // guarded by this
    private int attempt;                     // consecutive failed attempts since the last ready; guarded by this
    private long generation;                 // bumps on every connect so stale callbacks are ignored; guarded by this
    private List<String> pendingAcks;        // guarded by this

    Connection(Fleet fleet, int index, String userId, String token) {
        this.fleet = fleet;
        this.index = index;
        this.userId = userId;
        this.token = token;
    }

    public int index() {
        return index;
    }

    public String userId() {
        return userId;
    }

    /** The user's token; empty for the token-less peers. Never logged. */
    public String token() {
        return token;
    }

    public Counters counters() {
        return fleet.counters();
    }

    public synchronized boolean isReady() {
        return ready;
    }

    synchronized long beginAttempt() {
        ready = false;
        socket = null;
        return ++generation;
    }

    synchronized boolean isCurrent(long gen) {
        return generation == gen;
    }

    synchronized int failedAttempt() {
        return attempt++;
    }

    /** Caller holds this monitor. */
    boolean isCurrentSocket(WsChannel ws) {
        return ws != null && socket == ws;
    }

    /** Caller holds this monitor; returns whether the connection was ready. */
    boolean markDown() {
        boolean was = ready;
        ready = false;
        socket = null;
        return was;
    }

    // ---- called by the wire ----

    public void markReady() {
        synchronized (this) {
            if (ready) {
                return;
            }
            ready = true;
            attempt = 0;
        }
        fleet.onReady(this);
    }

    public void deliver(FrameFields frame) {
        fleet.onDelivery(this, frame);
    }

    public void answerPing(String pong) {
        counters().pingsAnswered.increment();
        send(pong);
    }

    /** Sends one text frame (dropped if the connection is down: the server will redeliver what was not acked). */
    public void send(String text) {
        WsChannel ws = socket;
        if (ws != null) {
            ws.sendText(text);
        }
    }

    // ---- acks, flushed in batches by the fleet ----

    /** Queues an ack; true when the connection had none pending (so the caller enlists it for the next flush). */
    synchronized boolean queueAck(String id) {
        if (pendingAcks == null) {
            pendingAcks = new ArrayList<>(4);
        }
        pendingAcks.add(id);
        return pendingAcks.size() == 1;
    }

    /** Sends the pending acks, at most {@link #MAX_IDS_PER_ACK} ids a frame (as the SDK's ack batcher does). */
    void flushAcks(long nowMs) {
        List<String> ids;
        synchronized (this) {
            ids = pendingAcks;
            pendingAcks = null;
        }
        if (ids == null || ids.isEmpty()) {
            return;
        }
        for (int from = 0; from < ids.size(); from += MAX_IDS_PER_ACK) {
            send(ImsWire.ackFrame(ids.subList(from, Math.min(ids.size(), from + MAX_IDS_PER_ACK)), nowMs));
            counters().ackFrames.increment();
        }
        counters().acksSent.add(ids.size());
    }

    void close() {
        WsChannel ws = socket;
        if (ws != null) {
            ws.close(1000);
        }
    }

    void abort() {
        WsChannel ws = socket;
        if (ws != null) {
            ws.abort();
        }
    }

    synchronized void connecting(WsChannel ws) {
        this.socket = ws;
    }

    // ---- WsListener (loop thread) ----

    @Override
    public void onOpen(WsChannel channel) {
        fleet.wire().onOpen(this);
    }

    @Override
    public void onText(WsChannel channel, String text) {
        try {
            fleet.wire().onText(this, text);
        } catch (RuntimeException e) {
            counters().malformedFrames.increment();
        }
    }

    @Override
    public void onClosed(WsChannel channel, int code) {
        fleet.onDown(this, channel, code);
    }
}
