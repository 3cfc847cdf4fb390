package com.ims.loadgen.ws;

import java.net.URI;

/**
 * The IMS protocol (CONTRACT section 4): token in the query, ready on {@code connected}, {@code ping} answered by a
 * {@code pong} echoing its timestamp, every frame with an {@code id} is a delivery to acknowledge.
 */
public final class ImsWire implements Wire {

    @Override
    public URI uri(URI base, Connection connection) {
        return URI.create(Wire.withQuery(base, "token=" + connection.token()));
    }

    @Override
    public void onOpen(Connection connection) {
        // ready only once the gateway has registered the session and said `connected`
    }

    @Override
    public void onText(Connection connection, CharSequence text) {
        FrameFields f = FrameScanner.scan(text);
        String type = f.type() == null ? "" : f.type();
        switch (type) {
            case "connected" -> connection.markReady();
            case "ping" -> connection.answerPing(
                    "{\"type\":\"pong\",\"timestamp\":" + f.timestamp() + ",\"payload\":{}}");
            case "pong" -> connection.counters().otherFrames.increment();
            case "error" -> connection.counters().errorFrames.increment();
            default -> connection.deliver(f);
        }
    }

    /** The ack frame for a batch of ids, as CONTRACT section 4 shows it. */
    public static String ackFrame(Iterable<String> ids, long nowMs) {
        StringBuilder sb = new StringBuilder(64).append("{\"type\":\"ack\",\"timestamp\":").append(nowMs)
                .append(",\"payload\":{\"ids\":[");
        boolean first = true;
        for (String id : ids) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('"');
            appendEscaped(sb, id);
            sb.append('"');
        }
        return sb.append("]}}").toString();
    }

    private static void appendEscaped(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
    }
}
