package com.ims.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ims.support.auth.ImsJwtDecoders;
import com.ims.support.auth.JwtSettings;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * RS256/ES256 verification against a JWK Set served by a real HTTP server of the test's own: accepted keys, rotation,
 * forgeries, claims, and how many fetches a flood of unknown {@code kid}s costs the identity provider.
 */
class JwksVerificationTest {

    private static final String SECRET = "a-test-secret-that-is-long-enough-0123456789";
    private static final String ISSUER = "https://idp.example.test";
    private static final String AUDIENCE = "ims";

    private static RSAKey rsa1;
    private static RSAKey rsa2;
    private static RSAKey unpublished;
    private static ECKey ec1;

    private JwksServer server;

    @BeforeAll
    static void keys() throws JOSEException {
        rsa1 = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        unpublished = new RSAKeyGenerator(2048).keyID("ghost").generate();
        ec1 = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    }

    @BeforeEach
    void startServer() throws IOException {
        server = new JwksServer(new JWKSet(List.of(rsa1.toPublicJWK(), ec1.toPublicJWK())));
    }

    @AfterEach
    void stopServer() {
        server.stop();
    }

    private JwtDecoder decoder(String issuer, String audience) {
        return ImsJwtDecoders.create(new JwtSettings(SECRET, server.uri(), issuer, audience, false));
    }

    @Test
    void acceptsRs256AndEs256TokensWhoseKidIsServedWithOneFetch() {
        JwtDecoder decoder = decoder(null, null);
        assertThat(decoder.decode(sign(JWSAlgorithm.RS256, rsa1, c -> c.subject("alice"))).getSubject()).isEqualTo("alice");
        assertThat(decoder.decode(sign(JWSAlgorithm.ES256, ec1, c -> c.subject("bob"))).getSubject()).isEqualTo("bob");
        assertThat(server.fetches()).isEqualTo(1);
    }

    @Test
    void picksUpARotatedKeyWithoutRebuildingTheDecoder() {
        JwtDecoder decoder = decoder(null, null);
        assertThat(decoder.decode(sign(JWSAlgorithm.RS256, rsa1, c -> c.subject("before"))).getSubject()).isEqualTo("before");
        String signedWithNewKey = sign(JWSAlgorithm.RS256, rsa2, c -> c.subject("after"));

        server.serve(new JWKSet(List.of(rsa2.toPublicJWK(), rsa1.toPublicJWK())));

        assertThat(decoder.decode(signedWithNewKey).getSubject()).isEqualTo("after");
        assertThat(server.fetches()).isEqualTo(2);
        assertThat(decoder.decode(sign(JWSAlgorithm.RS256, rsa1, c -> c.subject("old-key-still-served"))).getSubject())
                .isEqualTo("old-key-still-served");
    }

    @Test
    void refusesATokenWhoseKidIsNotServedButStillAcceptsTheServedOne() {
        JwtDecoder decoder = decoder(null, null);
        assertThatThrownBy(() -> decoder.decode(sign(JWSAlgorithm.RS256, unpublished, c -> c.subject("mallory"))))
                .isInstanceOf(JwtException.class);
        // a token that names a served kid but was signed by another key
        RSAKey impostor = new RSAKey.Builder(unpublished).keyID("rsa-1").build();
        assertThatThrownBy(() -> decoder.decode(sign(JWSAlgorithm.RS256, impostor, c -> c.subject("mallory"))))
                .isInstanceOf(JwtException.class);
        assertThat(decoder.decode(sign(JWSAlgorithm.RS256, rsa1, c -> c.subject("alice"))).getSubject()).isEqualTo("alice");
    }

    @Test
    void refusesAlgNoneAndAnHs256TokenKeyedWithTheRsaPublicKey() throws Exception {
        JwtDecoder decoder = decoder(null, null);
        String claims = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"sub\":\"mallory\",\"exp\":" + (Instant.now().getEpochSecond() + 600) + "}").getBytes(StandardCharsets.UTF_8));
        for (String alg : List.of("none", "None", "NONE")) {
            String header = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    ("{\"alg\":\"" + alg + "\",\"kid\":\"rsa-1\"}").getBytes(StandardCharsets.UTF_8));
            assertThatThrownBy(() -> decoder.decode(header + "." + claims + ".")).isInstanceOf(JwtException.class);
        }

        // alg confusion: the attacker knows the public key and uses it as the HMAC secret, in both usual encodings
        byte[] der = rsa1.toRSAPublicKey().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        for (byte[] secret : List.of(der, pem.getBytes(StandardCharsets.US_ASCII),
                rsa1.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8))) {
            SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                    claims(c -> c.subject("mallory")));
            forged.sign(new MACSigner(secret));
            assertThatThrownBy(() -> decoder.decode(forged.serialize())).isInstanceOf(JwtException.class);
        }
        // and an algorithm we did not configure, even with a served key
        assertThatThrownBy(() -> decoder.decode(sign(JWSAlgorithm.RS512, rsa1, c -> c.subject("mallory"))))
                .isInstanceOf(JwtException.class);
        assertThat(decoder.decode(sign(JWSAlgorithm.RS256, rsa1, c -> c.subject("alice"))).getSubject()).isEqualTo("alice");
    }

    @Test
    void refusesAWrongIssuerOrAudienceWhenConfiguredAndAcceptsTheRightOnes() {
        JwtDecoder decoder = decoder(ISSUER, AUDIENCE);
        assertThat(decoder.decode(sign(JWSAlgorithm.RS256, rsa1,
                c -> c.subject("alice").issuer(ISSUER).audience(List.of("other", AUDIENCE)))).getSubject()).isEqualTo("alice");
        assertThatThrownBy(() -> decoder.decode(sign(JWSAlgorithm.RS256, rsa1,
                c -> c.subject("alice").issuer("https://evil.example.test").audience(AUDIENCE))))
                .isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder.decode(sign(JWSAlgorithm.ES256, ec1,
                c -> c.subject("alice").issuer(ISSUER).audience("another-service"))))
                .isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder.decode(sign(JWSAlgorithm.RS256, rsa1, c -> c.subject("alice").issuer(ISSUER))))
                .as("no aud at all").isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder.decode(sign(JWSAlgorithm.RS256, rsa1, c -> c.subject("alice").audience(AUDIENCE))))
                .as("no iss at all").isInstanceOf(JwtException.class);
    }

    @Test
    void refusesAnExpiredOrExpLessRs256Token() {
        JwtDecoder decoder = decoder(null, null);
        assertThatThrownBy(() -> decoder.decode(sign(JWSAlgorithm.RS256, rsa1,
                c -> c.subject("alice").expirationTime(Date.from(Instant.now().minus(Duration.ofMinutes(5)))))))
                .isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> decoder.decode(sign(JWSAlgorithm.RS256, rsa1,
                c -> c.subject("alice").expirationTime(null))))
                .isInstanceOf(JwtException.class);
        assertThat(decoder.decode(sign(JWSAlgorithm.RS256, rsa1, c -> c.subject("alice"))).getSubject()).isEqualTo("alice");
    }

    @Test
    void aFloodOfUnknownKidsCostsABoundedNumberOfFetchesWithOneInFlight() throws Exception {
        JwtDecoder decoder = decoder(null, null);
        server.delay(Duration.ofMillis(150)); // long enough that concurrent refetches would overlap if they were allowed
        String legit = sign(JWSAlgorithm.RS256, rsa1, c -> c.subject("alice"));
        assertThat(decoder.decode(legit).getSubject()).isEqualTo("alice");

        int threads = 24;
        List<String> forged = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            RSAKey k = new RSAKey.Builder(unpublished).keyID("made-up-" + i).build();
            forged.add(sign(JWSAlgorithm.RS256, k, c -> c.subject("mallory")));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> refused = new ArrayList<>();
            for (String token : forged) {
                refused.add(pool.submit(() -> {
                    start.await();
                    try {
                        decoder.decode(token);
                        return false;
                    } catch (JwtException expected) {
                        return true;
                    }
                }));
            }
            start.countDown();
            for (Future<Boolean> f : refused) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        // then the same attack one token after another
        for (String token : forged) {
            assertThatThrownBy(() -> decoder.decode(token)).isInstanceOf(JwtException.class);
        }

        // 1 initial fetch + at most 1 refetch in the rate-limit window, never two at once
        assertThat(server.fetches()).isBetween(1, 2);
        assertThat(server.maxInFlight()).isEqualTo(1);
        assertThat(decoder.decode(legit).getSubject()).as("served key still works during the flood").isEqualTo("alice");
    }

    private static String sign(JWSAlgorithm alg, JWK key, Consumer<JWTClaimsSet.Builder> claims) {
        try {
            JWSSigner signer = key instanceof ECKey ec ? new ECDSASigner(ec) : new RSASSASigner((RSAKey) key);
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(key.getKeyID()).build(), claims(claims));
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> customizer) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .issueTime(new Date())
                .expirationTime(Date.from(Instant.now().plus(Duration.ofMinutes(5))));
        customizer.accept(b);
        return b.build();
    }

    /** A JWK Set endpoint on 127.0.0.1 that counts its requests and how many were served at once. */
    static final class JwksServer {
        private final HttpServer http;
        private final ExecutorService executor = Executors.newFixedThreadPool(4);
        private final AtomicReference<String> body = new AtomicReference<>();
        private final AtomicInteger fetches = new AtomicInteger();
        private final AtomicInteger inFlight = new AtomicInteger();
        private final AtomicInteger maxInFlight = new AtomicInteger();
        private volatile Duration delay = Duration.ZERO;

        JwksServer(JWKSet initial) throws IOException {
            serve(initial);
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            http.setExecutor(executor);
            http.createContext("/jwks", exchange -> {
                fetches.incrementAndGet();
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    if (!delay.isZero()) {
                        Thread.sleep(delay); // simulates a slow identity provider, not a synchronization
                    }
                    byte[] bytes = body.get().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, bytes.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(bytes);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.sendResponseHeaders(500, -1);
                } finally {
                    inFlight.decrementAndGet();
                    exchange.close();
                }
            });
            http.start();
        }

        /** Publishes only the public halves: toJSONObject(true) drops private parameters. */
        void serve(JWKSet set) {
            body.set(set.toString(true));
        }

        void delay(Duration d) {
            delay = d;
        }

        String uri() {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/jwks";
        }

        int fetches() {
            return fetches.get();
        }

        int maxInFlight() {
            return maxInFlight.get();
        }

        void stop() {
            http.stop(0);
            executor.shutdownNow();
        }
    }
}
