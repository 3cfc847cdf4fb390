package com.ims.protocol.internal;

/** A user came online (first connection anywhere) or went offline (last one gone), on {@code ims.presence.status}. */
public record UserStatusChange(String tenant, String userId, boolean online, long at) {
}
