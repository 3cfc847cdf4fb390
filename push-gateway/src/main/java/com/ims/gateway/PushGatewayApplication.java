package com.ims.gateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** The push gateway: authenticates WebSocket users, holds their connections and writes deliveries from its own topic. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class PushGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(PushGatewayApplication.class, args);
    }
}
