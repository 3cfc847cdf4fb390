package com.ims.presence.restore;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/** Health is not UP until the state is restored from the routes topic and presence events were read to their end once. */
@Component("presence")
public class PresenceReadiness implements HealthIndicator {

    private final PresenceStartup startup;

    public PresenceReadiness(PresenceStartup startup) {
        this.startup = startup;
    }

    @Override
    public Health health() {
        return startup.isReady()
                ? Health.up().build()
                : Health.outOfService().withDetail("reason", "restoring state from the routes topic or catching up with presence events").build();
    }
}
