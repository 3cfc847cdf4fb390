package com.ims.gateway.config;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

import com.ims.gateway.delivery.DeliveryListener;
import com.ims.gateway.session.GatewayState;

/** Health: UP once the gateway's delivery consumer owns its topic (deliveries can reach it); DOWN while draining. */
@Component("deliveryConsumer")
public class KafkaReadiness implements HealthIndicator {

    private final DeliveryListener listener;
    private final GatewayState state;

    public KafkaReadiness(DeliveryListener listener, GatewayState state) {
        this.listener = listener;
        this.state = state;
    }

    @Override
    public Health health() {
        if (state.draining()) {
            return Health.outOfService().withDetail("reason", "draining").build();
        }
        if (!state.accepting()) {
            return Health.down().withDetail("reason", "starting").build();
        }
        return listener.isAssigned() ? Health.up().build()
                : Health.down().withDetail("reason", "delivery topic not assigned yet").build();
    }
}
