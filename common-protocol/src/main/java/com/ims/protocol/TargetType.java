package com.ims.protocol;

import java.util.Locale;

/** Who a notification is for, within its tenant. */
public enum TargetType {
    USER, ROLE, ALL;

    /** The wire name: {@code user}, {@code role}, {@code all}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Null when {@code value} is not a wire name; matching is exact, as the contract spells the names. */
    public static TargetType fromWire(String value) {
        for (TargetType t : values()) {
            if (t.wireName().equals(value)) {
                return t;
            }
        }
        return null;
    }
}
