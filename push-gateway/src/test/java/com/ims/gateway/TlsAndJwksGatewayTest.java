package com.ims.gateway;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import com.ims.devplatform.TestPlatform;
import com.ims.gateway.delivery.DeliveryListener;
import com.ims.protocol.Json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * One gateway started with {@code IMS_TLS_CERT}/{@code IMS_TLS_KEY} (a self-signed certificate made by openssl for this
 * run) and {@code IMS_JWT_JWKS_URI} pointing at a JWK Set server of the test's own: {@code wss://} works with a client that
 * trusts the certificate, plain {@code ws://} does not, and RS256 tokens are checked against the served keys.
 */
class TlsAndJwksGatewayTest {

    private static final Path OPENSSL = Path.of("/usr/bin/openssl");

    @TempDir
    static Path dir;

    private static RSAKey servedKey;
    private static RSAKey unservedKey;
    private static HttpServer jwks;
    private static final AtomicInteger jwksFetches = new AtomicInteger();
    private static ConfigurableApplicationContext gateway;
    private static int port;
    private static HttpClient trusting;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(OPENSSL), "needs " + OPENSSL + " to make a self-signed certificate");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder(OPENSSL.toString(), "req", "-x509", "-newkey", "ec",
                "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString())
                .redirectErrorStream(true).start();
        String opensslOutput = new String(openssl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(openssl.exitValue()).as(opensslOutput).isZero();

        servedKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        unservedKey = new RSAKeyGenerator(2048).keyID("idp-unknown").generate();
        byte[] jwkSet = new JWKSet(servedKey.toPublicJWK()).toString(true).getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks", exchange -> {
            jwksFetches.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwkSet.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwkSet);
            }
        });
        jwks.start();

        gateway = new SpringApplicationBuilder(PushGatewayApplication.class).run(
                "--server.port=0",
                "--ims.dev-mode=true",
                "--spring.kafka.bootstrap-servers=" + TestPlatform.shared().kafkaBootstrap(),
                "--ims.gateway.id=tls-gw-" + UUID.randomUUID().toString().substring(0, 8),
                "--ims.jwt.jwks-uri=http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks",
                "--IMS_TLS_CERT=" + cert,
                "--IMS_TLS_KEY=" + key);
        // The port the gateway serves on, on either WebSocket server (Netty publishes its own there).
        port = gateway.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
        DeliveryListener listener = gateway.getBean(DeliveryListener.class);
        await().atMost(Duration.ofSeconds(30)).until(listener::isAssigned);
        trusting = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (jwks != null) {
            jwks.stop(0);
        }
    }

    @Test
    void wssWithAnRs256TokenFromTheJwkSetGetsConnected() throws Exception {
        Frames frames = new Frames();
        String token = rs256(servedKey, "carol");
        WebSocket socket = trusting.newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + port + "/ws?token=" + token), frames)
                .get(10, TimeUnit.SECONDS);
        try {
            JsonNode connected = frames.awaitType("connected");
            assertThat(connected.path("payload").path("userId").asString()).isEqualTo("carol");
            assertThat(jwksFetches.get()).isPositive();
        } finally {
            socket.abort();
        }
    }

    @Test
    void wssWithATokenWhoseKidIsNotServedIsClosedWith4001() throws Exception {
        Frames frames = new Frames();
        WebSocket socket = trusting.newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + port + "/ws?token=" + rs256(unservedKey, "mallory")), frames)
                .get(10, TimeUnit.SECONDS);
        try {
            assertThat(frames.closeCode.get(15, TimeUnit.SECONDS)).isEqualTo(4001);
            assertThat(frames.received).noneMatch(f -> "connected".equals(f.path("type").asString()));
        } finally {
            socket.abort();
        }
    }

    @Test
    void plainWsAndHttpAreNotServedOnTheTlsPort() throws Exception {
        String token = rs256(servedKey, "dave");
        CompletableFuture<WebSocket> plain = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://localhost:" + port + "/ws?token=" + token), new Frames());
        assertThatThrownBy(() -> plain.get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);

        HttpRequest health = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(10)).build();
        assertThat(trusting.send(health, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        HttpRequest plainHealth = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .timeout(Duration.ofSeconds(10)).build();
        // Tomcat answers plain text on a TLS port with 400 "requires TLS", Jetty drops it: either way no health, no upgrade
        int plainStatus;
        try {
            plainStatus = HttpClient.newHttpClient().send(plainHealth, HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException refused) {
            plainStatus = -1;
        }
        assertThat(plainStatus).isNotEqualTo(200);
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateCannotConnect() {
        CompletableFuture<WebSocket> untrusted = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("wss://localhost:" + port + "/ws?token=" + rs256(servedKey, "erin")), new Frames());
        assertThatThrownBy(() -> untrusted.get(15, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }

    private static String rs256(RSAKey key, String subject) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("tenant", "tls-" + UUID.randomUUID().toString().substring(0, 8))
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(10))))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static SSLContext trusting(Path certPem) throws Exception {
        Certificate certificate;
        try (InputStream in = new ByteArrayInputStream(Files.readAllBytes(certPem))) {
            certificate = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
        trustStore.load(null, null);
        trustStore.setCertificateEntry("gateway", certificate);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustStore);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    /** Records text frames and the close code (the default 30 s heartbeat does not come into play in these tests). */
    private static final class Frames implements WebSocket.Listener {
        final List<JsonNode> received = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                received.add(Json.tree(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closeCode.complete(-1);
        }

        JsonNode awaitType(String type) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> received.stream().anyMatch(f -> type.equals(f.path("type").asString())));
            return received.stream().filter(f -> type.equals(f.path("type").asString())).findFirst().orElseThrow();
        }
    }
}
