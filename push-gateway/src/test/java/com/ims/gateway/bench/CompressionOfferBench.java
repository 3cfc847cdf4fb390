package com.ims.gateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;

/**
 * Measures what a browser's {@code permessage-deflate} offer costs a running gateway: opens N raw WebSockets (each its
 * own user), offering the extension as browsers do or not, waits, and prints the gateway's RSS growth per connection and
 * how many handshakes accepted the extension. Raw sockets because the JDK client never makes the offer. Not a unit test:
 * run it by hand against a gateway in dev mode (docs/services/push-gateway.md, "Browsers' compression offer").
 *
 * <pre>
 * ulimit -n 20000
 * java -cp "$(cat target/bench.classpath):target/test-classes" \
 *     com.ims.gateway.bench.CompressionOfferBench 1000 true &lt;gateway pid&gt; [port]
 * </pre>
 */
public final class CompressionOfferBench {

    private CompressionOfferBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        boolean offer = Boolean.parseBoolean(args[1]);
        long pid = Long.parseLong(args[2]);
        int port = args.length > 3 ? Integer.parseInt(args[3]) : 8080;
        String secret = System.getenv().getOrDefault("IMS_JWT_SECRET", JwtSettings.DEV_SECRET);
        String run = Long.toString(System.nanoTime(), 36);
        long before = rssKb(pid);
        List<Socket> sockets = new ArrayList<>(n);
        int upgraded = 0;
        int negotiated = 0;
        try {
            for (int i = 0; i < n; i++) {
                String token = DevTokens.mint(secret, "deflate-" + run + "-" + i, List.of("bench"), "default", null,
                        Duration.ofHours(1));
                Socket socket = new Socket("127.0.0.1", port);
                sockets.add(socket);
                socket.getOutputStream().write(("GET /ws?token=" + token + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                        + (offer ? "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" : "")
                        + "\r\n").getBytes(StandardCharsets.US_ASCII));
                String response = readHeaders(socket.getInputStream());
                upgraded += response.startsWith("HTTP/1.1 101") ? 1 : 0;
                negotiated += response.toLowerCase(Locale.ROOT).contains("permessage-deflate") ? 1 : 0;
            }
            Thread.sleep(5_000); // let the gateway finish each connection's setup (replay, presence) before sampling
            long after = rssKb(pid);
            System.out.printf(Locale.ROOT, "connections=%d offered=%s upgraded=%d negotiated=%d rssDeltaKB=%d perConnectionKB=%.1f%n",
                    n, offer, upgraded, negotiated, after - before, (after - before) / (double) n);
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    private static String readHeaders(InputStream in) throws IOException {
        StringBuilder headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    private static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for pid " + pid);
    }
}
