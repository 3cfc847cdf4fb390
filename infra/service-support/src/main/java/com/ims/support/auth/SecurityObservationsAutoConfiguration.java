package com.ims.support.auth;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.observation.SecurityObservationSettings;

/**
 * Spring Security's own observations off in every service. With an {@code ObservationRegistry} present (the actuator),
 * Spring Security wraps each filter of the chain, the authentication manager and the authorization manager in an
 * observation. The property {@code management.observations.enable.spring.security=false} only makes those observations
 * no-ops: the wrappers still ran, creating and stopping them on every request (in notification-service's profile at
 * 1,000 producer requests a second, a few percent of the request threads' samples). This setting keeps Spring Security
 * from wrapping anything. Request metrics still come from {@code http.server.requests}; a service that wants the
 * security observations back declares its own {@link SecurityObservationSettings} bean.
 */
@AutoConfiguration
@ConditionalOnClass(SecurityObservationSettings.class)
public class SecurityObservationsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }
}
