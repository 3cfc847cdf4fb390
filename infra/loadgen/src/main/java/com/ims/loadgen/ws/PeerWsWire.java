package com.ims.loadgen.ws;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The Node {@code ws} peer: no token (the user id travels in the query, as in the guides), ready as soon as the socket
 * opens, heartbeats at the WebSocket protocol level (the JDK client answers those pings itself), no acks.
 */
public final class PeerWsWire implements Wire {

    @Override
    public URI uri(URI base, Connection connection) {
        return URI.create(Wire.withQuery(base, "userId=" + URLEncoder.encode(connection.userId(), StandardCharsets.UTF_8)));
    }

    @Override
    public void onOpen(Connection connection) {
        connection.markReady();
    }

    @Override
    public void onText(Connection connection, CharSequence text) {
        FrameFields f = FrameScanner.scan(text);
        if (f.id() == null && !f.hasTimestamp()) {
            connection.counters().otherFrames.increment();
            return;
        }
        connection.deliver(f);
    }
}
