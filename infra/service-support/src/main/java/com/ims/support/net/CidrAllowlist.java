package com.ims.support.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A list of CIDR ranges (IPv4 and IPv6) from a comma-separated setting such as {@code IMS_ADMIN_ALLOWED_CIDRS}.
 * An empty setting means "all addresses" for allowlists that default open, which the caller decides via {@link #all()}.
 */
public final class CidrAllowlist {

    private final List<Range> ranges;
    private final boolean allowAll;

    private CidrAllowlist(List<Range> ranges, boolean allowAll) {
        this.ranges = List.copyOf(ranges);
        this.allowAll = allowAll;
    }

    public static CidrAllowlist all() {
        return new CidrAllowlist(List.of(), true);
    }

    public static CidrAllowlist none() {
        return new CidrAllowlist(List.of(), false);
    }

    /**
     * Parses {@code "10.0.0.0/8, 127.0.0.1, ::1/128"}; a blank value yields {@code whenBlank}. A bad entry fails fast at
     * startup rather than silently opening or closing a door.
     */
    public static CidrAllowlist parse(String spec, CidrAllowlist whenBlank) {
        if (spec == null || spec.isBlank()) {
            return whenBlank;
        }
        List<Range> ranges = new ArrayList<>();
        for (String part : spec.split(",")) {
            String entry = part.trim();
            if (entry.isEmpty()) {
                continue;
            }
            if (entry.equals("*")) {
                return all();
            }
            ranges.add(Range.parse(entry));
        }
        return new CidrAllowlist(ranges, false);
    }

    public boolean allowsAll() {
        return allowAll;
    }

    public boolean allows(InetAddress address) {
        if (allowAll) {
            return true;
        }
        if (address == null) {
            return false;
        }
        for (Range r : ranges) {
            if (r.contains(address)) {
                return true;
            }
        }
        return false;
    }

    public boolean allows(String address) {
        InetAddress parsed = Addresses.parseLiteral(address);
        return parsed != null && allows(parsed);
    }

    @Override
    public String toString() {
        return allowAll ? "*" : ranges.toString();
    }

    /** One network: the address bytes and how many leading bits must match. */
    record Range(byte[] network, int prefix, String text) {

        static Range parse(String entry) {
            String[] parts = entry.split("/", 2);
            InetAddress address = Addresses.parseLiteral(parts[0]);
            if (address == null) {
                throw new IllegalArgumentException("not an IP address in CIDR list: " + entry);
            }
            byte[] bytes = address.getAddress();
            int prefix = bytes.length * 8;
            if (parts.length == 2) {
                try {
                    prefix = Integer.parseInt(parts[1]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad prefix length in CIDR list: " + entry);
                }
                if (prefix < 0 || prefix > bytes.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in CIDR list: " + entry);
                }
            }
            return new Range(bytes, prefix, entry);
        }

        boolean contains(InetAddress candidate) {
            byte[] bytes = Addresses.normalize(candidate, network.length);
            if (bytes == null) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (bytes[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest);
            return (bytes[full] & mask) == (network[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Range r && r.prefix == prefix && Arrays.equals(r.network, network);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(network) * 31 + prefix;
        }
    }

    /** Address literals only: never a DNS lookup on a request path. */
    static final class Addresses {
        private Addresses() {
        }

        static InetAddress parseLiteral(String text) {
            if (text == null) {
                return null;
            }
            String t = text.trim();
            if (t.startsWith("[") && t.endsWith("]")) {
                t = t.substring(1, t.length() - 1);
            }
            if (t.isEmpty() || !(t.indexOf(':') >= 0 || t.chars().allMatch(c -> c == '.' || Character.isDigit(c)))) {
                return null;
            }
            try {
                return InetAddress.getByName(t);
            } catch (UnknownHostException | SecurityException e) {
                return null;
            }
        }

        /** IPv4-mapped IPv6 addresses compare as IPv4, so {@code ::ffff:127.0.0.1} matches {@code 127.0.0.0/8}. */
        static byte[] normalize(InetAddress address, int length) {
            byte[] bytes = address.getAddress();
            if (bytes.length == length) {
                return bytes;
            }
            if (length == 4 && bytes.length == 16) {
                for (int i = 0; i < 10; i++) {
                    if (bytes[i] != 0) {
                        return null;
                    }
                }
                if ((bytes[10] & 0xFF) != 0xFF || (bytes[11] & 0xFF) != 0xFF) {
                    return null;
                }
                return Arrays.copyOfRange(bytes, 12, 16);
            }
            return null;
        }
    }
}
