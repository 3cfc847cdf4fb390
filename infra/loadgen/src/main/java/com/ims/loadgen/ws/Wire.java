package com.ims.loadgen.ws;

import java.net.URI;

/** How one kind of server speaks over the WebSocket: the URL per user, the handshake, heartbeats, deliveries. */
public interface Wire {

    /** The URL this connection opens (token or user id in the query). */
    URI uri(URI base, Connection connection);

    /** The socket is open; a wire without a greeting frame marks the connection ready here. */
    void onOpen(Connection connection);

    /** One complete text message from the server. */
    void onText(Connection connection, CharSequence text);

    static String withQuery(URI base, String query) {
        String s = base.toString();
        return s + (s.contains("?") ? "&" : "?") + query;
    }
}
