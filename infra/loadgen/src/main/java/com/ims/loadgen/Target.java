package com.ims.loadgen;

import com.ims.loadgen.ws.ImsWire;
import com.ims.loadgen.ws.PeerWsWire;
import com.ims.loadgen.ws.SocketIoWire;
import com.ims.loadgen.ws.Wire;
import java.util.Locale;

/** The systems the same scenarios run against, with where each listens by default (infra/bench/run-all.sh ports). */
public enum Target {
    IMS("ims", "ws://127.0.0.1:8080/ws", "http://127.0.0.1:8081/api/v1/notifications", "8080,8081,8082,9092,27017", true),
    PEER_WS("peer-ws", "ws://127.0.0.1:9001/ws", "http://127.0.0.1:9002/api/v1/notifications", "9001,9002,6390", false),
    PEER_SOCKETIO("peer-socketio", "ws://127.0.0.1:9011/socket.io/", "http://127.0.0.1:9012/api/v1/notifications",
            "9011,9012,6390", false);

    public final String id;
    public final String defaultUrl;
    public final String defaultPublishUrl;
    /** Ports of the processes whose CPU counts as "server"; the first serves the WebSockets (its RSS is the idle figure). */
    public final String defaultServerPorts;
    /** Whether deliveries carry ids to acknowledge and tokens are needed. */
    public final boolean authenticated;

    Target(String id, String defaultUrl, String defaultPublishUrl, String defaultServerPorts, boolean authenticated) {
        this.id = id;
        this.defaultUrl = defaultUrl;
        this.defaultPublishUrl = defaultPublishUrl;
        this.defaultServerPorts = defaultServerPorts;
        this.authenticated = authenticated;
    }

    public Wire wire() {
        return switch (this) {
            case IMS -> new ImsWire();
            case PEER_WS -> new PeerWsWire();
            case PEER_SOCKETIO -> new SocketIoWire();
        };
    }

    public static Target of(String id) {
        for (Target t : values()) {
            if (t.id.equals(id.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown --target " + id + " (ims | peer-ws | peer-socketio)");
    }
}
