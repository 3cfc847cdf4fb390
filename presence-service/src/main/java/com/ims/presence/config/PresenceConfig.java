package com.ims.presence.config;

import com.ims.presence.ingest.IntakeClock;
import com.ims.presence.lease.GatewayLeases;
import com.ims.presence.lease.LeasePolicy;
import com.ims.presence.publish.PresencePublisher;
import com.ims.presence.registry.PresenceMetrics;
import com.ims.presence.registry.PresenceRegistry;
import com.ims.presence.registry.PresenceWriter;
import com.ims.presence.restore.RouteRestorer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the plain domain classes (registry, leases, writer, restorer) that tests also build by hand. */
@Configuration(proxyBeanMethods = false)
public class PresenceConfig {

    @Bean
    PresenceRegistry presenceRegistry(PresenceProperties properties) {
        PresenceProperties.Presence p = properties.presence();
        return new PresenceRegistry(new GatewayLeases(LeasePolicy.of(p.defaultLease(), p.maxLease())));
    }

    /** Probed at most once per sweep interval: a sweep cannot use a fresher intake instant anyway. */
    @Bean
    IntakeClock intakeClock(PresenceProperties properties) {
        return new IntakeClock(System::currentTimeMillis, properties.presence().sweepInterval());
    }

    @Bean(destroyMethod = "close")
    PresenceWriter presenceWriter(PresenceRegistry registry, PresencePublisher publisher, PresenceMetrics metrics,
                                  IntakeClock intake) {
        return new PresenceWriter(registry, publisher, metrics, System::currentTimeMillis, intake::caughtUpTo);
    }

    @Bean
    RouteRestorer routeRestorer(KafkaProperties kafka) {
        return new RouteRestorer(kafka.buildConsumerProperties());
    }
}
