package com.ims.gateway.netty;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * IMS_WS_REUSE_PORT through real listening sockets: a second process's server binds the port the first one holds,
 * and once the first stops listening every new connection reaches the second while the first keeps the ones it has.
 * (Two servers in one JVM stand for the two processes: SO_REUSEPORT groups sockets of one user, whatever process.)
 */
class ReusePortTest {

    private final List<NettyServer> servers = new ArrayList<>();
    private final List<Socket> clients = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket client : clients) {
            client.close();
        }
        servers.forEach(NettyServer::stop);
    }

    @Test
    void aSecondServerSharesThePortAndTakesEveryNewConnectionOnceTheFirstStopsListening() throws IOException {
        NettyServer old = started(0, true);
        int port = old.port();
        NettyServer next = started(port, true);
        assertThat(next.port()).isEqualTo(port);

        connect(port, 20);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> old.openConnections() + next.openConnections() == 20);
        int keptByOld = old.openConnections();

        old.stopListening();
        connect(port, 20);
        await().atMost(Duration.ofSeconds(10)).until(() -> next.openConnections() == 40 - keptByOld);
        assertThat(old.openConnections()).as("the old server keeps its connections, and takes no new one")
                .isEqualTo(keptByOld);
        for (Socket client : clients) {
            assertThat(client.isConnected()).isTrue();
        }
    }

    @Test
    void withoutItTheSecondBindFails() {
        NettyServer held = started(0, false);
        assertThatThrownBy(() -> started(held.port(), false)).hasMessageContaining("Address already in use");
        NettyServer reusing = started(0, true);
        assertThatThrownBy(() -> started(reusing.port(), false))
                .as("every socket on the port must ask for it").hasMessageContaining("Address already in use");
    }

    /** A server with no domain behind it: these tests open TCP connections and send nothing. */
    private NettyServer started(int port, boolean reusePort) {
        NettyEdge edge = new NettyEdge(null, null, null, null, null, null, "ws://localhost/ws", 65536, 1000, false,
                null, Transport.best(), () -> 0);
        NettyServer server = new NettyServer(edge, InetAddress.getLoopbackAddress(), port, 1, 100,
                Duration.ofSeconds(30), reusePort, null, bound -> { });
        servers.add(server);
        server.start();
        return server;
    }

    private void connect(int port, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            Socket socket = new Socket();
            clients.add(socket);
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        }
    }
}
