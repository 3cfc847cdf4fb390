package com.ims.loadgen.ws;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The minimal Socket.IO 4 client over Engine.IO 4's WebSocket transport (no polling upgrade):
 * <ul>
 *   <li>{@code 0{...}} Engine.IO open: answer {@code 40} to join the default namespace;</li>
 *   <li>{@code 40{...}} namespace joined: ready;</li>
 *   <li>{@code 2} Engine.IO ping: answer {@code 3};</li>
 *   <li>{@code 42["event",{frame}]} an event: its object argument is the same envelope IMS sends;</li>
 *   <li>{@code 44{...}} connect error, {@code 41} namespace closed, {@code 1} transport close.</li>
 * </ul>
 * The user id travels in the handshake query, which the peer reads like {@code auth}.
 */
public final class SocketIoWire implements Wire {

    @Override
    public URI uri(URI base, Connection connection) {
        return URI.create(Wire.withQuery(base, "EIO=4&transport=websocket&userId="
                + URLEncoder.encode(connection.userId(), StandardCharsets.UTF_8)));
    }

    @Override
    public void onOpen(Connection connection) {
        // wait for the Engine.IO open packet
    }

    @Override
    public void onText(Connection connection, CharSequence text) {
        if (text.isEmpty()) {
            return;
        }
        char engine = text.charAt(0);
        switch (engine) {
            case '0' -> connection.send("40");
            case '2' -> connection.answerPing("3");
            case '4' -> onSocketPacket(connection, text);
            case '1' -> connection.counters().otherFrames.increment();
            default -> connection.counters().otherFrames.increment();
        }
    }

    private static void onSocketPacket(Connection connection, CharSequence text) {
        char socket = text.length() > 1 ? text.charAt(1) : ' ';
        switch (socket) {
            case '0' -> connection.markReady();
            case '2' -> {
                int open = indexOf(text, '{', 2);
                if (open < 0) {
                    connection.counters().otherFrames.increment();
                    return;
                }
                connection.deliver(FrameScanner.scan(text, open, text.length()));
            }
            case '4' -> connection.counters().errorFrames.increment();
            default -> connection.counters().otherFrames.increment();
        }
    }

    private static int indexOf(CharSequence s, char c, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }
}
