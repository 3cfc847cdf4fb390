package com.ims.gateway.session;

import java.util.concurrent.atomic.AtomicBoolean;

/** Whether the gateway still takes connections; false once a drain began (SIGTERM or the admin API). */
public final class GatewayState {

    private final String gatewayId;
    private final AtomicBoolean accepting = new AtomicBoolean(true);

    public GatewayState(String gatewayId) {
        this.gatewayId = gatewayId;
    }

    public String gatewayId() {
        return gatewayId;
    }

    public boolean accepting() {
        return accepting.get();
    }

    /** Accepting again after a lifecycle restart (a stopped context can be started again, e.g. by the test cache). */
    public void startAccepting() {
        accepting.set(true);
    }

    /** @return true for the caller that actually stopped accepting (a drain runs once) */
    public boolean stopAccepting() {
        return accepting.compareAndSet(true, false);
    }
}
