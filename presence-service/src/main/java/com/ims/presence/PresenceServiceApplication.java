package com.ims.presence;

import com.ims.presence.config.PresenceProperties;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Knows which gateways hold each user's connections and publishes that knowledge to Kafka. */
@SpringBootApplication
@EnableConfigurationProperties(PresenceProperties.class)
public class PresenceServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(PresenceServiceApplication.class, args);
    }
}
