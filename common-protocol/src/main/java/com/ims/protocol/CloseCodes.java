package com.ims.protocol;

/** WebSocket close codes of contract section 4, with the reason phrase the server sends. */
public enum CloseCodes {
    UNAUTHORIZED(4001, "Unauthorized"),
    PONG_TIMEOUT(4002, "Pong timeout"),
    TOKEN_EXPIRED(4003, "Token expired"),
    RATE_LIMITED(4008, "Rate limit exceeded"),
    REPLACED(4009, "Disconnected"),
    TOO_SLOW(4010, "Too slow"),
    TOO_BIG(1009, "Frame too large"),
    SERVICE_RESTART(1012, "Gateway restarting");

    private final int code;
    private final String reason;

    CloseCodes(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }
}
