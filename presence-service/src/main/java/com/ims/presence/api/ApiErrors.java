package com.ims.presence.api;

import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns a refused request parameter into the platform's JSON error: {@code {"error","message","field"}}. */
@RestControllerAdvice
public class ApiErrors {

    /** A request value that cannot name a user or tenant. */
    static final class BadParameter extends RuntimeException {
        private final String field;

        BadParameter(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    /** Ids are non-blank and free of control characters (the unit separator joins tenant and user in a key). */
    static void requireId(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new BadParameter(field, field + " is required");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new BadParameter(field, field + " must not contain control characters");
        }
    }

    @ExceptionHandler(BadParameter.class)
    ResponseEntity<Map<String, String>> badParameter(BadParameter e) {
        return ResponseEntity.status(HttpStatus.BAD_REQUEST)
                .body(PresenceController.error("bad_request", e.getMessage(), e.field));
    }
}
