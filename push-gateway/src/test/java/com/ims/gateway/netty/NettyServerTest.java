package com.ims.gateway.netty;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.ims.gateway.session.Connection;
import com.ims.gateway.session.ConnectionRegistry;
import com.ims.gateway.support.GatewayTestBase;
import com.ims.gateway.support.WsTestClient;
import com.ims.protocol.UserKey;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.Principal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Netty server adds around the shared WebSocket behaviour (which the socket tests check on both servers): the
 * relay of every other request to the servlet container, with the client's address carried across, and an upgraded
 * channel that keeps nothing of HTTP.
 */
@TestPropertySource(properties = {"ims.ws.server=netty", "ims.admin.allowed-cidrs=127.0.0.2/32",
        "ims.ws.http-idle-timeout=" + NettyServerTest.HTTP_IDLE_SECONDS + "s"})
class NettyServerTest extends GatewayTestBase {

    /** Short, so a test can see it pass; long enough that no request of the other tests stalls that long. */
    static final int HTTP_IDLE_SECONDS = 3;

    /** Its own gateway id: a context with other properties must not share the other socket tests' topic and group. */
    @DynamicPropertySource
    static void ownGateway(DynamicPropertyRegistry registry) {
        registry.add("ims.gateway.id", () -> GATEWAY_ID + "-netty");
    }

    @Autowired
    NettyServer server;

    @Autowired
    WebServerApplicationContext context;

    @Autowired
    ConnectionRegistry registry;

    @Test
    void theGatewayPortIsTheNettyServersAndTheContainerSitsBehindItOnLoopback() {
        assertThat(port).isEqualTo(server.port());
        int container = context.getWebServer().getPort();
        assertThat(container).isNotEqualTo(port);
    }

    @Test
    void theAdminAllowlistSeesTheClientsAddressNotTheRelays() throws IOException {
        String admin = DevTokens.mint(SECRET, "operator", List.of(), null, Principal.SCOPE_ADMIN, Duration.ofMinutes(5));
        String request = "GET /api/v1/admin/connections HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + admin
                + "\r\nConnection: close\r\n\r\n";
        assertThat(statusLines(InetAddress.getByName("127.0.0.2"), port, request, 1)).containsExactly("HTTP/1.1 200 ");
        assertThat(statusLines(InetAddress.getByName("127.0.0.1"), port, request, 1)).containsExactly("HTTP/1.1 403 ");
    }

    @Test
    void aClaimedForwardingHeaderDoesNotPassAndTheContainerRefusesRequestsThatBypassTheRelay() throws IOException {
        String forged = "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nX-Ims-Front: 00 127.0.0.2 1 http"
                + "\r\nConnection: close\r\n\r\n";
        assertThat(statusLines(InetAddress.getLoopbackAddress(), port, forged, 1))
                .as("the relay replaces the header").containsExactly("HTTP/1.1 200 ");
        assertThat(statusLines(InetAddress.getLoopbackAddress(), context.getWebServer().getPort(), forged, 1))
                .as("straight to the container, without the relay's secret").containsExactly("HTTP/1.1 403 ");
    }

    @Test
    void keepAliveRequestsAreRelayedInOrderOnOneConnection() throws IOException {
        String health = "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String missing = "GET /nothing-here HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
        assertThat(statusLines(InetAddress.getLoopbackAddress(), port, health + health + missing, 3))
                .containsExactly("HTTP/1.1 200 ", "HTTP/1.1 200 ", "HTTP/1.1 404 ");
    }

    @Test
    void anUpgradeAnywhereButAtWsIsAnsweredAsAPlainRequestNeverUpgraded() throws IOException {
        String upgrade = "GET /ws;x=1?token=abc HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade"
                + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        assertThat(statusLines(InetAddress.getLoopbackAddress(), port, upgrade, 1)).containsExactly("HTTP/1.1 400 ");
    }

    @Test
    void aHandshakeWithoutItsKeyGets400AndIsClosedNotLeftOpen() throws IOException {
        String keyless = "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade"
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
        assertThat(statusLines(InetAddress.getLoopbackAddress(), port, keyless, 1)).containsExactly("HTTP/1.1 400 ");
    }

    @Test
    void anUnsupportedWebSocketVersionGets426AndTheConnectionCloses() throws IOException {
        String old = "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade"
                + "\r\nSec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        try (Socket socket = connected()) {
            socket.getOutputStream().write(old.getBytes(StandardCharsets.US_ASCII));
            BufferedReader in = lines(socket);
            assertThat(in.readLine()).startsWith("HTTP/1.1 426");
            String line;
            do {
                line = in.readLine();
            } while (line != null);
            // readLine returned null: the server closed the connection (a read timeout would have thrown).
        }
    }

    @Test
    void aKeepAliveConnectionWhoseRelayedRequestsWereAnsweredCanBecomeAWebSocket() throws IOException {
        String health = "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String upgrade = upgradeRequest("reuse");
        try (Socket socket = connected()) {
            BufferedReader in = lines(socket);
            socket.getOutputStream().write(health.getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("HTTP/1.1 200");
            skipRest(in);
            socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("HTTP/1.1 101");
        }
    }

    @Test
    void aWebSocketRequestPipelinedBehindAnUnansweredRelayedRequestGets400InItsTurn() throws IOException {
        String health = "GET /actuator/health HTTP/1.1\r\nHost: localhost\r\n\r\n";
        String upgrade = "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade"
                + "\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
        assertThat(statusLines(InetAddress.getLoopbackAddress(), port, health + upgrade, 2))
                .containsExactly("HTTP/1.1 200 ", "HTTP/1.1 400 ");
    }

    @Test
    void anUpgradedChannelKeepsOnlyTheWebSocketHandlers() {
        String tenant = unique("t");
        try (WsTestClient client = WsTestClient.connect(port, token("lean", tenant))) {
            client.awaitType("connected");
            Connection connection = registry.forUser(new UserKey(tenant, "lean")).getFirst();
            List<String> handlers = ((NettySocket) connection.socket()).channel().pipeline().names();
            assertThat(handlers).containsExactly("wsencoder", "wsdecoder", "ws-aggregator", "ws-frames",
                    "DefaultChannelPipeline$TailContext#0");
        }
    }

    @Test
    void anHttpConnectionOnWhichNothingMovesIsClosedAfterTheIdleTimeout() throws IOException {
        for (String sent : List.of("", "GET /ws?token=abc HTTP/1.1\r\nHost: localhost\r\n")) {
            try (Socket socket = connected()) {
                socket.setSoTimeout(HTTP_IDLE_SECONDS * 5_000);
                socket.getOutputStream().write(sent.getBytes(StandardCharsets.US_ASCII));
                long start = System.nanoTime();
                assertThat(socket.getInputStream().read())
                        .as("closed by the server, not by the read timeout (sent: %s)", sent.isEmpty() ? "nothing" : "half a request")
                        .isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofSeconds(HTTP_IDLE_SECONDS / 2));
            }
        }
    }

    @Test
    void anInterimContinueIsNotTakenForTheAnswerSoTheConnectionCanStillUpgradeAfterIt() throws IOException {
        // An empty body: Tomcat closes a connection whose announced body the application left unread after a non-2xx
        // answer (the client may or may not send it), and this one answers 405 without reading.
        String post = "POST /actuator/health HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n"
                + "Expect: 100-continue\r\n\r\n";
        String upgrade = upgradeRequest("continued");
        try (Socket socket = connected()) {
            BufferedReader in = lines(socket);
            OutputStream out = socket.getOutputStream();
            out.write(post.getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("HTTP/1.1 100");
            assertThat(in.readLine()).isEmpty();
            assertThat(in.readLine()).as("the final answer").startsWith("HTTP/1.1 405");
            skipRest(in);
            out.write(upgrade.getBytes(StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("HTTP/1.1 101");
        }
    }

    /** A WebSocket handshake for {@code user} of a new tenant, with a valid token. */
    private String upgradeRequest(String user) {
        return "GET /ws?token=" + token(user, unique("t")) + " HTTP/1.1\r\nHost: localhost\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    }

    /** A plain socket connected to the gateway's port, reads timing out after 10 s. */
    private Socket connected() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static BufferedReader lines(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    /** Sends {@code request} (one or more) from {@code from} and reads the status line of {@code responses} responses. */
    private static List<String> statusLines(InetAddress from, int port, String request, int responses) throws IOException {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = lines(socket);
            List<String> statuses = new ArrayList<>();
            while (statuses.size() < responses) {
                String status = in.readLine();
                assertThat(status).as("response %d", statuses.size() + 1).isNotNull();
                statuses.add(status.substring(0, Math.min(status.length(), "HTTP/1.1 200 ".length())));
                skipRest(in);
            }
            return statuses;
        }
    }

    /** Skips one response's headers and body (Content-Length or chunked). */
    private static void skipRest(BufferedReader in) throws IOException {
        long length = 0;
        boolean chunked = false;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            String lower = line.toLowerCase();
            if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(in.readLine().trim(), 16); size > 0;
                    size = Long.parseLong(in.readLine().trim(), 16)) {
                in.skip(size);
                in.readLine();
            }
            in.readLine();
        } else {
            in.skip(length);
        }
    }
}
