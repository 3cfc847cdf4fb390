package com.ims.gateway.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The stable id of this gateway instance: {@code IMS_GATEWAY_ID}, or host name and port. It names the gateway's own topic
 * ({@code ims.gateway.<id>}) and its consumer group, so it is restricted to characters Kafka accepts in topic names.
 */
public record GatewayIdentity(String id) {

    public static GatewayIdentity resolve(String configured, int port) {
        String raw = configured != null && !configured.isBlank() ? configured : hostName() + "-" + port;
        return new GatewayIdentity(sanitize(raw));
    }

    static String sanitize(String raw) {
        String cleaned = raw.replaceAll("[^A-Za-z0-9._-]", "-");
        // Kafka topic names are at most 249 characters; the prefix "ims.gateway." takes 12.
        return cleaned.length() > 200 ? cleaned.substring(0, 200) : cleaned;
    }

    private static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "gateway";
        }
    }
}
