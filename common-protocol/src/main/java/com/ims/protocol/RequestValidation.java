package com.ims.protocol;

/** What {@link NotificationRequestParser} made of a producer record. */
public sealed interface RequestValidation {

    record Valid(NotificationRequest request) implements RequestValidation {
    }

    /**
     * @param field   the JSON field at fault ({@code body} when the whole document is)
     * @param message why, safe to return to the producer
     */
    record Invalid(String field, String message) implements RequestValidation {
        public String describe() {
            return field + ": " + message;
        }
    }
}
