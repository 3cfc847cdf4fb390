package com.ims.devplatform;

import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** {@code ./ims token <userId> [--roles a,b] [--tenant t] [--scope s] [--ttl seconds]}: prints a token signed with IMS_JWT_SECRET. */
final class TokenCommand {

    static final long DEFAULT_TTL_SECONDS = 24 * 3600;

    private TokenCommand() {
    }

    static int run(String[] args) {
        if (args.length == 0 || args[0].startsWith("--")) {
            System.err.println("usage: ims token <userId> [--roles a,b] [--tenant t] [--scope \"ims:publish ims:admin\"] [--ttl seconds]");
            return 2;
        }
        String subject = args[0];
        List<String> roles = List.of();
        String tenant = null;
        String scope = null;
        long ttl = DEFAULT_TTL_SECONDS;
        for (int i = 1; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                System.err.println("missing value for " + flag);
                return 2;
            }
            String value = args[++i];
            switch (flag) {
                case "--roles" -> roles = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
                case "--tenant" -> tenant = value;
                case "--scope" -> scope = value;
                case "--ttl" -> ttl = Long.parseLong(value);
                default -> {
                    System.err.println("unknown option " + flag);
                    return 2;
                }
            }
        }
        String secret = System.getenv("IMS_JWT_SECRET");
        if (secret == null || secret.isBlank()) {
            secret = JwtSettings.DEV_SECRET;
        }
        System.out.println(DevTokens.mint(secret, subject, roles, tenant, scope, Duration.ofSeconds(ttl)));
        return 0;
    }
}
