package com.ims.loadgen.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The producer-API client against a real HTTP server: ids read from 202s, refusals and failures counted, bounded. */
class PublisherTest {

    @Test
    void readsAcceptedIdsFromFixedLengthAndChunkedAnswersAndSendsTheBearerToken() throws Exception {
        List<String> auth = new CopyOnWriteArrayList<>();
        List<String> bodies = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/v1/notifications", ex -> {
            auth.add(ex.getRequestHeaders().getFirst("Authorization"));
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            byte[] answer;
            if (body.contains("bad")) {
                answer = "{\"error\":\"BAD_REQUEST\",\"field\":\"target\"}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(400, answer.length);
            } else {
                answer = ("{\"id\": \"id-" + bodies.size() + "\"}").getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(202, body.contains("chunk") ? 0 : answer.length); // 0 = chunked
            }
            ex.getResponseBody().write(answer);
            ex.close();
        });
        server.start();
        try (Publisher p = new Publisher(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/notifications"),
                "tok", 2, 16)) {
            Optional<String> first = p.send("{\"n\":1}").get(5, TimeUnit.SECONDS);
            Optional<String> chunked = p.send("{\"chunk\":true}").get(5, TimeUnit.SECONDS);
            Optional<String> refused = p.send("{\"bad\":true}").get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) {
                p.send("{\"n\":2}").get(5, TimeUnit.SECONDS); // keep-alive reuse
            }
            assertThat(first).hasValueSatisfying(id -> assertThat(id).startsWith("id-"));
            assertThat(chunked).isPresent();
            assertThat(refused).isEmpty();
            assertThat(p.accepted.sum()).isEqualTo(22);
            assertThat(p.rejected.sum()).isEqualTo(1);
            assertThat(p.lastError()).contains("HTTP 400").contains("BAD_REQUEST");
            assertThat(auth).containsOnly("Bearer tok");
            assertThat(bodies).contains("{\"chunk\":true}");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void countsFailuresWhenNothingListensAndShedsPastTheInFlightBound() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (Publisher p = new Publisher(URI.create("http://127.0.0.1:" + port + "/x"), null, 1, 1)) {
            for (int i = 0; i < 50; i++) {
                p.send("{}");
            }
            p.drain(Duration.ofSeconds(10));
            assertThat(p.accepted.sum()).isZero();
            assertThat(p.failed.sum()).isPositive();
            assertThat(p.shed.sum()).isPositive();
            assertThat(p.failed.sum() + p.shed.sum()).isEqualTo(50);
        }
    }
}
