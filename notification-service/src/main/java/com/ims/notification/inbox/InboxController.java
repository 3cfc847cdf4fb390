package com.ims.notification.inbox;

import com.ims.notification.api.ApiError;
import com.ims.support.auth.Principal;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/inbox}: the caller's own notifications, unread count and acknowledgement, for any authenticated user.
 * The user is the token's {@code sub} and the tenant its {@code tenant}; nothing in the request can name another.
 */
@RestController
@RequestMapping("/api/v1/inbox")
public class InboxController {

    /** 500 ids of 128 characters, quoted and comma-separated, are about 66 KB; twice that leaves room for whitespace. */
    static final int MAX_ACK_BODY_BYTES = 128 * 1024;

    private final Inbox inbox;

    public InboxController(Inbox inbox) {
        this.inbox = inbox;
    }

    @GetMapping
    public InboxPage list(@RequestParam(required = false) String status, @RequestParam(required = false) String limit,
                          @RequestParam(required = false) String before, @AuthenticationPrincipal Jwt jwt) {
        Caller caller = Caller.of(jwt);
        return inbox.page(caller.tenant(), caller.userId(), InboxQuery.parse(status, limit, before));
    }

    @GetMapping("/unread-count")
    public Map<String, Long> unreadCount(@AuthenticationPrincipal Jwt jwt) {
        Caller caller = Caller.of(jwt);
        return Map.of("unread", inbox.unreadCount(caller.tenant(), caller.userId()));
    }

    @PostMapping("/ack")
    public ResponseEntity<Object> ack(HttpServletRequest http, @AuthenticationPrincipal Jwt jwt) throws IOException {
        Caller caller = Caller.of(jwt);
        byte[] body = readLimited(http);
        if (body == null) {
            return ApiError.of(HttpStatus.CONTENT_TOO_LARGE, "payload_too_large",
                    "request body must be at most " + MAX_ACK_BODY_BYTES + " bytes");
        }
        long acked = inbox.ack(caller.tenant(), caller.userId(), AckRequest.parse(body));
        return ResponseEntity.ok(Map.of("acked", acked));
    }

    @ExceptionHandler(InvalidInboxRequest.class)
    ResponseEntity<ApiError> invalid(InvalidInboxRequest e) {
        return ResponseEntity.badRequest().body(new ApiError("invalid_request", e.getMessage(), e.field()));
    }

    @ExceptionHandler(NoUser.class)
    ResponseEntity<Object> noUser(NoUser e) {
        return ApiError.of(HttpStatus.FORBIDDEN, "forbidden", "the token names no user (sub)");
    }

    /** The body, or null when it is larger than allowed; reads at most one byte past the limit whatever the client says. */
    private static byte[] readLimited(HttpServletRequest http) throws IOException {
        if (http.getContentLengthLong() > MAX_ACK_BODY_BYTES) {
            return null;
        }
        try (InputStream in = http.getInputStream()) {
            byte[] body = in.readNBytes(MAX_ACK_BODY_BYTES + 1);
            return body.length > MAX_ACK_BODY_BYTES ? null : body;
        }
    }

    /** Whose inbox: only ever the token's subject in the token's tenant (an admin's {@code ?tenant=} does not apply). */
    private record Caller(String tenant, String userId) {
        static Caller of(Jwt jwt) {
            Principal p = Principal.of(jwt);
            if (p.subject() == null || p.subject().isBlank()) {
                throw new NoUser();
            }
            return new Caller(p.tenant(), p.subject());
        }
    }

    private static final class NoUser extends RuntimeException {
        NoUser() {
            super(null, null, false, false);
        }
    }
}
