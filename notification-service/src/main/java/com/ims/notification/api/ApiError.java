package com.ims.notification.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** The JSON error body of every API: {@code {"error", "message", "field"}}, field only when one is at fault. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String message, String field) {

    public static ResponseEntity<Object> of(HttpStatus status, String error, String message) {
        return ResponseEntity.status(status).body(new ApiError(error, message, null));
    }
}
