package com.ims.protocol;

/** {@code code} values of the server's {@code error} frame (contract section 4). */
public final class ErrorCodes {
    public static final String BAD_MESSAGE = "BAD_MESSAGE";
    public static final String UNKNOWN_TYPE = "UNKNOWN_TYPE";
    public static final String RATE_LIMITED = "RATE_LIMITED";
    public static final String FORBIDDEN = "FORBIDDEN";

    private ErrorCodes() {
    }
}
