package com.ims.protocol;

import java.util.Set;

/** Frame types the platform itself defines; every other type is a producer-chosen delivery type. */
public final class FrameTypes {
    public static final String CONNECTED = "connected";
    public static final String PING = "ping";
    public static final String PONG = "pong";
    public static final String ERROR = "error";
    public static final String ACK = "ack";
    public static final String NOTIFICATION = "notification";

    /** Types a producer may not choose, because clients treat them as protocol control frames. */
    public static final Set<String> RESERVED = Set.of(CONNECTED, PING, PONG, ERROR, ACK);

    private FrameTypes() {
    }
}
