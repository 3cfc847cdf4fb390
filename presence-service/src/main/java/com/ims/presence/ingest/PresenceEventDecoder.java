package com.ims.presence.ingest;

import com.ims.protocol.Json;
import com.ims.protocol.internal.PresenceEvent;

/** Reads and checks one presence event record; anything unusable is refused with a reason, never half-applied. */
public final class PresenceEventDecoder {

    private PresenceEventDecoder() {
    }

    /** @throws IllegalArgumentException (or Jackson's unchecked exception) with the reason the record is unusable */
    public static PresenceEvent decode(byte[] value) {
        if (value == null || value.length == 0) {
            throw new IllegalArgumentException("empty record");
        }
        PresenceEvent event = Json.fromBytes(value, PresenceEvent.class);
        if (event == null || event.kind() == null) {
            throw new IllegalArgumentException("kind missing");
        }
        requireId("gatewayId", event.gatewayId());
        if (event.kind() == PresenceEvent.Kind.CONNECTED || event.kind() == PresenceEvent.Kind.DISCONNECTED) {
            requireId("tenant", event.tenant());
            requireId("userId", event.userId());
            requireId("clientId", event.clientId());
        }
        return event;
    }

    /** Control characters are refused because the unit separator joins tenant and user id in {@code UserKey}. */
    private static void requireId(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " missing");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(field + " contains control characters");
        }
    }
}
