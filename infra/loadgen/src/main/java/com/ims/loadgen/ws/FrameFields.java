package com.ims.loadgen.ws;

/**
 * The envelope fields the load generator needs from a server frame.
 *
 * @param type      frame type, never null for a well-formed frame
 * @param id        delivery id, null for fire-and-forget frames
 * @param timestamp epoch milliseconds set by the server (accept time for deliveries), -1 when absent
 */
public record FrameFields(String type, String id, long timestamp) {

    public boolean hasTimestamp() {
        return timestamp >= 0;
    }
}
