package com.ims.gateway.demo;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.ims.gateway.config.GatewayProperties;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.Principal;

/**
 * {@code GET /demo/token}: mints a user token and a publish token for the demo page. Dev mode only; 404 otherwise, so a
 * production gateway never signs tokens for whoever asks.
 */
@RestController
public class DemoTokenController {

    /** Long enough for a demo session, short enough that a leaked demo token soon stops working. */
    static final Duration TOKEN_TTL = Duration.ofHours(8);
    static final String PUBLISHER = "demo-page";

    private final GatewayProperties properties;

    public DemoTokenController(GatewayProperties properties) {
        this.properties = properties;
    }

    @GetMapping("/demo/token")
    public ResponseEntity<Map<String, String>> token(@RequestParam(defaultValue = "alice") String userId,
                                                     @RequestParam(required = false) String roles,
                                                     @RequestParam(required = false) String tenant) {
        if (!properties.devMode()) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND)
                    .body(Map.of("error", "not_found", "message", "dev tokens exist only in dev mode"));
        }
        if (userId.isBlank() || userId.chars().anyMatch(Character::isISOControl)) {
            return ResponseEntity.badRequest()
                    .body(Map.of("error", "bad_request", "message", "userId must be a non-empty printable string",
                            "field", "userId"));
        }
        List<String> roleList = roles == null ? List.of()
                : Arrays.stream(roles.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        String effectiveTenant = tenant == null || tenant.isBlank() ? Principal.DEFAULT_TENANT : tenant;
        String secret = properties.jwtSettings().effectiveSecret();
        String user = DevTokens.mint(secret, userId, roleList, effectiveTenant, null, TOKEN_TTL);
        String publish = DevTokens.mint(secret, PUBLISHER, List.of(), effectiveTenant, Principal.SCOPE_PUBLISH, TOKEN_TTL);
        return ResponseEntity.ok()
                .cacheControl(CacheControl.noStore())
                .body(Map.of("token", user, "publishToken", publish,
                        "notificationUrl", properties.demo().notificationUrl()));
    }
}
