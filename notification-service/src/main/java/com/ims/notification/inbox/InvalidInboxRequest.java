package com.ims.notification.inbox;

/** A bad inbox parameter or body; the API answers 400 naming {@code field}. */
public class InvalidInboxRequest extends RuntimeException {

    private final String field;

    public InvalidInboxRequest(String field, String message) {
        super(message, null, false, false);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
