package com.ims.gateway.admin;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import com.ims.gateway.session.Connection;
import com.ims.gateway.session.ConnectionRegistry;
import com.ims.protocol.CloseCodes;
import com.ims.protocol.UserKey;
import com.ims.support.auth.Principal;

/** Operator API of one gateway (scope {@code ims:admin}, admin CIDRs): list, disconnect, drain. */
@RestController
@RequestMapping("/api/v1/admin")
public class AdminController {

    /** A connection as operators see it. */
    public record ConnectionView(String clientId, String tenant, String userId, List<String> roles, long connectedAt,
                                 String state, int queuedFrames) {
        static ConnectionView of(Connection c) {
            return new ConnectionView(c.clientId(), c.user().tenant(), c.user().userId(), c.principal().roles(),
                    c.connectedAt(), c.state().name(), c.queuedFrames());
        }
    }

    private final ConnectionRegistry registry;
    private final DrainService drain;

    public AdminController(ConnectionRegistry registry, DrainService drain) {
        this.registry = registry;
        this.drain = drain;
    }

    @GetMapping("/connections")
    public Map<String, Object> connections(@RequestParam(required = false) String tenant,
                                           @RequestParam(required = false) String userId,
                                           @AuthenticationPrincipal Jwt jwt) {
        String scopeTenant = tenant == null || tenant.isBlank() ? null : tenant;
        List<Connection> selected;
        if (userId != null && !userId.isBlank()) {
            selected = registry.forUser(new UserKey(scopeTenant == null ? Principal.of(jwt).tenant() : scopeTenant, userId));
        } else if (scopeTenant != null) {
            selected = List.copyOf(registry.forTenant(scopeTenant));
        } else {
            selected = registry.all();
        }
        List<ConnectionView> views = selected.stream()
                .sorted(Comparator.comparingLong(Connection::connectedAt))
                .map(ConnectionView::of)
                .toList();
        return Map.of("count", views.size(), "connections", views);
    }

    @DeleteMapping("/connections/{userId}")
    public Map<String, Object> disconnect(@PathVariable String userId, @RequestParam(required = false) String tenant,
                                          @AuthenticationPrincipal Jwt jwt) {
        UserKey user = new UserKey(Principal.of(jwt).tenantFor(tenant), userId);
        List<Connection> connections = registry.forUser(user);
        connections.forEach(c -> c.close(CloseCodes.REPLACED));
        return Map.of("tenant", user.tenant(), "userId", userId, "closed", connections.size());
    }

    @PostMapping("/drain")
    @ResponseStatus(HttpStatus.ACCEPTED)
    public Map<String, Object> drain() {
        boolean already = drain.draining();
        int closed = drain.drain(Duration.ofSeconds(5));
        return Map.of("draining", true, "closed", closed, "alreadyDraining", already);
    }
}
