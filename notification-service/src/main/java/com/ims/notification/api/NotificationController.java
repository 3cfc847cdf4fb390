package com.ims.notification.api;

import com.ims.notification.config.NotificationProperties;
import com.ims.notification.routing.Sends;
import com.ims.protocol.Json;
import com.ims.protocol.NotificationRequest;
import com.ims.protocol.NotificationRequestParser;
import com.ims.protocol.RequestValidation;
import com.ims.protocol.Topics;
import com.ims.support.auth.Principal;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/v1/notifications}: validates like the Kafka ingress, puts the caller's tenant in, and produces the
 * request to {@code ims.notifications}, answering 202 once the broker acknowledged it.
 *
 * @implNote Producing instead of handling inline gives one ingest path and one order per tenant for both ingress kinds
 *     (docs/ARCHITECTURE.md, "Ordering"); the id is fixed here, so a client retrying after a timeout with the returned
 *     id is delivered once.
 */
@RestController
@RequestMapping("/api/v1/notifications")
public class NotificationController {

    private static final Logger log = LoggerFactory.getLogger(NotificationController.class);

    private final KafkaTemplate<String, Object> kafka;
    private final ProducerRateLimiter rateLimiter;
    private final NotificationRequestParser parser = new NotificationRequestParser();
    private final int maxBodyBytes;
    private final Duration sendTimeout;

    public NotificationController(KafkaTemplate<String, Object> kafka, ProducerRateLimiter rateLimiter,
                                  NotificationProperties properties) {
        this.kafka = kafka;
        this.rateLimiter = rateLimiter;
        this.maxBodyBytes = properties.producerApi().maxBodyBytes();
        this.sendTimeout = properties.kafka().sendTimeout();
    }

    @PostMapping
    public ResponseEntity<Object> publish(HttpServletRequest http, @AuthenticationPrincipal Jwt jwt) throws IOException {
        Principal principal = Principal.of(jwt);
        String producer = principal.subject() == null ? "" : principal.subject();
        if (!rateLimiter.tryAcquire(producer)) {
            return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                    .header(HttpHeaders.RETRY_AFTER, String.valueOf(rateLimiter.retryAfterSeconds()))
                    .body(new ApiError("rate_limited", "too many requests from this producer", null));
        }
        byte[] body = readLimited(http);
        if (body == null) {
            return ApiError.of(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large",
                    "request body must be at most " + maxBodyBytes + " bytes");
        }
        RequestValidation validation = validate(body, principal.tenant());
        if (validation instanceof RequestValidation.Invalid bad) {
            return ResponseEntity.badRequest().body(new ApiError("invalid_request", bad.message(), bad.field()));
        }
        NotificationRequest request = ((RequestValidation.Valid) validation).request();
        try {
            Sends.awaitAll(List.of(kafka.send(Topics.NOTIFICATIONS, request.tenant(), request.toJson())), sendTimeout);
        } catch (RuntimeException e) {
            log.warn("producer API could not hand over tenant={} messageId={} producer={} error={}",
                    request.tenant(), request.id(), principal.subject(), e.toString());
            // The id goes back even when the caller sent none: it may have reached the broker after all (a timeout),
            // and only a retry with this id is delivered once.
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(new ApiError("unavailable",
                    "the message was not accepted; retry with the same id", null, request.id()));
        }
        return ResponseEntity.accepted().body(Map.of("id", request.id()));
    }

    /** The token's tenant wins over one in the body; it goes through the same validation as a body tenant. */
    private RequestValidation validate(byte[] body, String tenant) {
        JsonNode root;
        try {
            root = Json.tree(body);
        } catch (JacksonException | IllegalArgumentException e) {
            return new RequestValidation.Invalid("body", "is not valid JSON");
        }
        if (root instanceof ObjectNode object) {
            object.put("tenant", tenant);
        }
        return parser.validate(root);
    }

    /** The body, or null when it is larger than allowed; reads at most one byte past the limit whatever the client says. */
    private byte[] readLimited(HttpServletRequest http) throws IOException {
        if (http.getContentLengthLong() > maxBodyBytes) {
            return null;
        }
        try (InputStream in = http.getInputStream()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            return body.length > maxBodyBytes ? null : body;
        }
    }
}
