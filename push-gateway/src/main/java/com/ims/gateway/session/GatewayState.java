package com.ims.gateway.session;

import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Whether the gateway takes connections: not before it announced STARTED (presence drops every entry of a gateway on
 * STARTED, so a connection admitted earlier would be forgotten while it stays open), and not once a drain began
 * (SIGTERM or the admin API).
 *
 * @implNote Connects and the start of a drain exclude each other: a connect runs its whole admission (the accepting
 *     check, registration, the {@code connected} frame, the CONNECTED event) under the read lock, the drain turns
 *     accepting off and announces STOPPED under the write lock. So a connect either finished before the drain (it is in
 *     the registry the drain then sweeps, and its CONNECTED precedes STOPPED) or sees the drain and is refused with 1012.
 *     A plain re-check of the flag after registering would still let CONNECTED follow STOPPED. Connects share the read
 *     lock, so they never wait for each other; the drain waits only for the admissions in progress (no I/O in them).
 */
public final class GatewayState {

    private final String gatewayId;
    private final ReentrantReadWriteLock admission = new ReentrantReadWriteLock();
    /** Written only under the write lock; volatile for the readers outside it (health, lease heartbeat). */
    private volatile boolean accepting;
    /** A drain began and no start followed; written under the write lock. */
    private volatile boolean draining;

    public GatewayState(String gatewayId) {
        this.gatewayId = gatewayId;
    }

    public String gatewayId() {
        return gatewayId;
    }

    public boolean accepting() {
        return accepting;
    }

    /** True from the start of a drain until the next start; false while the gateway is still starting. */
    public boolean draining() {
        return draining;
    }

    /**
     * Accepting, after STARTED was announced; again after a lifecycle restart (a stopped context can be started again,
     * e.g. by the test cache).
     */
    public void startAccepting() {
        admission.writeLock().lock();
        try {
            accepting = true;
            draining = false;
        } finally {
            admission.writeLock().unlock();
        }
    }

    /**
     * Runs {@code connect} unless a drain began, with no drain able to begin until it returns.
     *
     * @return false when the gateway no longer accepts (connect did not run)
     */
    public boolean admit(Runnable connect) {
        admission.readLock().lock();
        try {
            if (!accepting) {
                return false;
            }
            connect.run();
            return true;
        } finally {
            admission.readLock().unlock();
        }
    }

    /**
     * Stops accepting once the admissions in progress are done, and runs {@code stopped} (the STOPPED event) before any
     * later connect could be admitted.
     *
     * @return true for the caller that actually stopped accepting (a drain runs once)
     */
    public boolean stopAccepting(Runnable stopped) {
        admission.writeLock().lock();
        try {
            if (!accepting) {
                return false;
            }
            accepting = false;
            draining = true;
            stopped.run();
            return true;
        } finally {
            admission.writeLock().unlock();
        }
    }
}
