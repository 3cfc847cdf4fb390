package com.ims.notification.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The JSON error body of every API: {@code {"error", "message", "field"}}, field only when one is at fault.
 *
 * @param id the message id, only on a producer API failure after the id was fixed (one the caller omitted is generated):
 *     a retry with it is delivered once, a retry without it could be delivered twice
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String message, String field, String id) {

    public ApiError(String error, String message, String field) {
        this(error, message, field, null);
    }

    public static ResponseEntity<Object> of(HttpStatus status, String error, String message) {
        return ResponseEntity.status(status).body(new ApiError(error, message, null));
    }
}
