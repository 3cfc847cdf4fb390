package com.ims.notification.api;

import com.ims.notification.store.DeliveryStatus;
import com.ims.notification.store.DeliveryStore;
import com.ims.notification.store.Keys;
import com.ims.notification.store.StoredMessage;
import com.ims.protocol.TargetType;
import com.ims.support.auth.Principal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Delivery status of persistent messages (admin): counts per message and the status of one recipient. */
@RestController
@RequestMapping("/api/v1/notifications/{id}")
public class StatusController {

    private final DeliveryStore store;
    private final Clock clock;

    public StatusController(DeliveryStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @GetMapping
    public ResponseEntity<Object> message(@PathVariable String id, @RequestParam(required = false) String tenant,
                                          @AuthenticationPrincipal Jwt jwt) {
        String key = Keys.message(Principal.of(jwt).tenantFor(tenant), id);
        Optional<StoredMessage> found = store.message(key);
        if (found.isEmpty()) {
            return notFound(id);
        }
        StoredMessage m = found.get();
        Map<DeliveryStatus, Long> counts = store.counts(key);
        long recipients = counts.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", m.messageId());
        body.put("tenant", m.tenant());
        body.put("targetType", m.targetType().wireName());
        body.put("target", m.target());
        body.put("type", m.type());
        body.put("createdAt", m.createdAt().toString());
        body.put("expiresAt", m.expiresAt() == null ? null : m.expiresAt().toString());
        body.put("recipients", recipients);
        // delivered counts every delivery that reached a socket, acknowledged or not.
        body.put("delivered", counts.get(DeliveryStatus.DELIVERED) + counts.get(DeliveryStatus.ACKED));
        body.put("acked", counts.get(DeliveryStatus.ACKED));
        body.put("expired", counts.get(DeliveryStatus.EXPIRED));
        body.put("pending", counts.get(DeliveryStatus.PENDING));
        return ResponseEntity.ok(body);
    }

    @GetMapping("/recipients/{userId}")
    public ResponseEntity<Object> recipient(@PathVariable String id, @PathVariable String userId,
                                            @RequestParam(required = false) String tenant, @AuthenticationPrincipal Jwt jwt) {
        String key = Keys.message(Principal.of(jwt).tenantFor(tenant), id);
        Optional<DeliveryStatus> status = store.status(Keys.delivery(key, userId));
        if (status.isEmpty()) {
            // A broadcast reaches a user's deliveries on the user's next connect; until then it is pending (or expired).
            Optional<StoredMessage> m = store.message(key);
            if (m.isPresent() && m.get().targetType() == TargetType.ALL) {
                status = Optional.of(m.get().expiredAt(clock.instant()) ? DeliveryStatus.EXPIRED : DeliveryStatus.PENDING);
            }
        }
        return status.<ResponseEntity<Object>>map(s -> ResponseEntity.ok(Map.of("id", id, "userId", userId, "status", s.name())))
                .orElseGet(() -> ApiError.of(HttpStatus.NOT_FOUND, "not_found", "no delivery of message " + id + " to " + userId));
    }

    private static ResponseEntity<Object> notFound(String id) {
        return ApiError.of(HttpStatus.NOT_FOUND, "not_found", "no persistent message with id " + id);
    }
}
