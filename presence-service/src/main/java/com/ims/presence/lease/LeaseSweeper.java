package com.ims.presence.lease;

import com.ims.presence.config.PresenceProperties;
import com.ims.presence.registry.PresenceWriter;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The one scheduled task that expires gateways: every sweep interval, on the writer thread, it removes the connections of
 * every gateway whose lease lapsed. No timer per gateway or per connection.
 */
@Component
public class LeaseSweeper implements SmartLifecycle {

    private final PresenceWriter writer;
    private final PresenceProperties.Presence settings;
    private volatile boolean running;

    public LeaseSweeper(PresenceWriter writer, PresenceProperties properties) {
        this.writer = writer;
        this.settings = properties.presence();
    }

    @Override
    public void start() {
        writer.every(settings.sweepInterval(), writer::sweep);
        running = true;
    }

    @Override
    public void stop() {
        // The writer's executor stops with the context; nothing to cancel separately.
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
