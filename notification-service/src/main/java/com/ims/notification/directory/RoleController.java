package com.ims.notification.directory;

import com.ims.notification.api.ApiError;
import com.ims.notification.store.Checkpoints;
import com.ims.protocol.NotificationRequestParser;
import com.ims.support.auth.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The role directory API (admin): members of a role within the caller's tenant, or {@code ?tenant=} for an admin. */
@RestController
@RequestMapping("/api/v1/roles/{role}/members")
public class RoleController {

    private static final int MAX_NAME = 256;

    private final RoleDirectory roles;
    private final Checkpoints checkpoints;

    public RoleController(RoleDirectory roles, Checkpoints checkpoints) {
        this.checkpoints = checkpoints;
        this.roles = roles;
    }

    @GetMapping
    public ResponseEntity<Object> members(@PathVariable String role, @RequestParam(required = false) String tenant,
                                          @AuthenticationPrincipal Jwt jwt) {
        if (!NotificationRequestParser.isSafeIdentifier(role, MAX_NAME)) {
            return invalid("role");
        }
        String t = Principal.of(jwt).tenantFor(tenant);
        List<String> members = roles.members(t, role);
        return ResponseEntity.ok(Map.of("tenant", t, "role", role, "members", members));
    }

    @PutMapping("/{userId}")
    public ResponseEntity<Object> add(@PathVariable String role, @PathVariable String userId,
                                      @RequestParam(required = false) String tenant, @AuthenticationPrincipal Jwt jwt) {
        if (!NotificationRequestParser.isSafeIdentifier(role, MAX_NAME)) {
            return invalid("role");
        }
        if (!NotificationRequestParser.isSafeIdentifier(userId, MAX_NAME)) {
            return invalid("userId");
        }
        roles.add(Principal.of(jwt).tenantFor(tenant), role, userId);
        checkpoints.journal("roles"); // 204 says it is stored: make it survive a crash
        return ResponseEntity.noContent().build();
    }

    @DeleteMapping("/{userId}")
    public ResponseEntity<Object> remove(@PathVariable String role, @PathVariable String userId,
                                         @RequestParam(required = false) String tenant, @AuthenticationPrincipal Jwt jwt) {
        if (!roles.remove(Principal.of(jwt).tenantFor(tenant), role, userId)) {
            return ApiError.of(HttpStatus.NOT_FOUND, "not_found", userId + " is not a member of " + role);
        }
        checkpoints.journal("roles");
        return ResponseEntity.noContent().build();
    }

    private static ResponseEntity<Object> invalid(String field) {
        return ResponseEntity.badRequest().body(new ApiError("invalid_request",
                "must be 1-" + MAX_NAME + " characters without control characters", field));
    }
}
