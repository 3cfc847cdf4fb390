package com.ims.presence.registry;

import com.ims.protocol.UserKey;
import com.ims.protocol.internal.UserRoute;

/**
 * One user's connections changed: what to publish on the routes topic, and whether the user flipped online or offline.
 *
 * @param user  the user
 * @param route the user's connections now, or null when none is left (a tombstone on the routes topic)
 * @param flip  whether the user came online, went offline, or neither
 */
public record UserChange(UserKey user, UserRoute route, Flip flip) {

    public enum Flip { NONE, ONLINE, OFFLINE }
}
