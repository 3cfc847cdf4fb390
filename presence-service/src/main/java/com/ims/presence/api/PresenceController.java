package com.ims.presence.api;

import com.ims.presence.registry.GatewayView;
import com.ims.presence.registry.PresenceRegistry;
import com.ims.protocol.UserKey;
import com.ims.protocol.internal.UserRoute;
import com.ims.support.auth.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The presence API (admin): one user's presence in a tenant, and the gateways with their leases. */
@RestController
@RequestMapping("/api/v1/presence")
public class PresenceController {

    private final PresenceRegistry registry;

    public PresenceController(PresenceRegistry registry) {
        this.registry = registry;
    }

    /** Whether the user is online, with how many connections on which gateways, in the caller's (or chosen) tenant. */
    public record PresenceView(String userId, String tenant, boolean online, int connections, List<String> gateways) {
    }

    public record GatewaysView(List<GatewayView> gateways) {
    }

    @GetMapping("/gateways")
    public GatewaysView gateways() {
        return new GatewaysView(registry.gateways());
    }

    @GetMapping("/{userId}")
    public PresenceView presence(@PathVariable String userId, @RequestParam(required = false) String tenant,
                                 @AuthenticationPrincipal Jwt jwt) {
        String effectiveTenant = Principal.of(jwt).tenantFor(tenant);
        ApiErrors.requireId("userId", userId);
        ApiErrors.requireId("tenant", effectiveTenant);
        UserKey key = new UserKey(effectiveTenant, userId);
        return registry.find(key)
                .map(route -> view(key, route))
                .orElse(new PresenceView(userId, effectiveTenant, false, 0, List.of()));
    }

    private static PresenceView view(UserKey key, UserRoute route) {
        List<String> gateways = route.gateways().keySet().stream().sorted().toList();
        return new PresenceView(key.userId(), key.tenant(), true, route.connections(), gateways);
    }

    static Map<String, String> error(String error, String message, String field) {
        return field == null ? Map.of("error", error, "message", message)
                : Map.of("error", error, "message", message, "field", field);
    }
}
