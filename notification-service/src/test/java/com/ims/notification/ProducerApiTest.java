package com.ims.notification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.ims.notification.Fixtures.GatewaySim;
import com.ims.notification.api.NotificationController;
import com.ims.notification.api.ProducerRateLimiter;
import com.ims.notification.config.NotificationProperties;
import com.ims.protocol.Json;
import jakarta.servlet.Filter;
import java.lang.reflect.Field;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.SendResult;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.FilterChainProxy;
import org.springframework.security.web.ObservationFilterChainDecorator;
import org.springframework.test.util.ReflectionTestUtils;
import org.springframework.util.ReflectionUtils;
import tools.jackson.databind.JsonNode;

/** POST /api/v1/notifications: validation, authentication, scope, tenant, limits, and the hand-over to ingest. */
class ProducerApiTest extends ServiceTestBase {

    @Autowired
    ProducerRateLimiter rateLimiter;

    @Autowired
    NotificationProperties properties;

    @Autowired
    @Qualifier("springSecurityFilterChain")
    Filter securityFilterChain;

    @Test
    void springSecurityWrapsNoFilterOfTheChainInAnObservation() {
        // SecurityObservationsAutoConfiguration (service-support): the property that turns the observations off left
        // their wrappers running on every request.
        Field composite = ReflectionUtils.findField(securityFilterChain.getClass(),
                "springSecurityFilterChain");
        Object chain = composite == null ? securityFilterChain
                : ReflectionTestUtils.getField(securityFilterChain, "springSecurityFilterChain");
        assertThat(chain).isInstanceOf(FilterChainProxy.class);
        assertThat(ReflectionTestUtils.getField(chain, "filterChainDecorator"))
                .isNotInstanceOf(ObservationFilterChainDecorator.class);
    }

    @ParameterizedTest(name = "{0} is refused naming {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"target\":\"u\",\"payload\":{}}                                   | targetType",
            "{\"targetType\":\"team\",\"target\":\"u\",\"payload\":{}}           | targetType",
            "{\"targetType\":\"user\",\"payload\":{}}                            | target",
            "{\"targetType\":\"user\",\"target\":\"u\"}                          | payload",
            "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":[1]}          | payload",
            "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"type\":\"ping\"}        | type",
            "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"id\":\"a b\"}           | id",
            "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"persistent\":\"yes\"}   | persistent",
            "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{},\"ttlSeconds\":0}         | ttlSeconds",
            "not json                                                              | body",
    })
    void invalidRequestIsRefusedNamingTheField(String body, String field) {
        HttpResponse<String> r = post(publisher("default"), body);
        assertThat(r.statusCode()).isEqualTo(400);
        JsonNode json = Fixtures.json(r);
        assertThat(json.get("error").stringValue()).isEqualTo("invalid_request");
        assertThat(json.get("field").stringValue()).isEqualTo(field);
        assertThat(json.get("message").stringValue()).isNotBlank();
    }

    @Test
    void withoutTokenIs401() {
        HttpResponse<String> r = post(null, "{\"targetType\":\"all\",\"payload\":{}}");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(Fixtures.json(r).get("error").stringValue()).isEqualTo("unauthorized");
    }

    @Test
    void withBadlySignedTokenIs401() {
        String forged = publisher("default");
        forged = forged.substring(0, forged.length() - 4) + "AAAA";
        assertThat(post(forged, "{\"targetType\":\"all\",\"payload\":{}}").statusCode()).isEqualTo(401);
    }

    @Test
    void userTokenWithoutPublishScopeIs403() {
        HttpResponse<String> r = post(Fixtures.token("alice", "default", null, "ops"), "{\"targetType\":\"all\",\"payload\":{}}");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(Fixtures.json(r).get("error").stringValue()).isEqualTo("forbidden");
    }

    @Test
    void acceptedRequestAnswers202WithItsIdAndIsRoutedInTheTokensTenant() {
        String tenant = "t-" + Fixtures.uid();
        try (GatewaySim gateway = GatewaySim.create(); GatewaySim foreign = GatewaySim.create()) {
            online(tenant, "u", gateway.id);
            online("elsewhere", "u", foreign.id);

            HttpResponse<String> r = post(publisher(tenant),
                    "{\"targetType\":\"user\",\"target\":\"u\",\"tenant\":\"elsewhere\",\"payload\":{\"x\":1}}");

            assertThat(r.statusCode()).isEqualTo(202);
            String id = Fixtures.json(r).get("id").stringValue();
            assertThat(id).isNotBlank();
            await().atMost(WAIT).until(() -> gateway.pushes().size() >= 1);
            assertThat(gateway.pushes().getFirst().messageId()).isEqualTo(id);
            assertThat(gateway.pushes().getFirst().tenant()).isEqualTo(tenant);
            assertThat(foreign.pushes()).isEmpty();
        }
    }

    @Test
    void producerIdIsKept() {
        HttpResponse<String> r = post(publisher("default"),
                "{\"targetType\":\"user\",\"target\":\"nobody\",\"id\":\"order-42\",\"payload\":{}}");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(Fixtures.json(r).get("id").stringValue()).isEqualTo("order-42");
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{\"x\":\"" + "a".repeat(600 * 1024) + "\"}}";
        HttpResponse<String> r = post(publisher("default"), big);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(Fixtures.json(r).get("error").stringValue()).isEqualTo("payload_too_large");
    }

    @Test
    void producerOverItsRateIs429WithRetryAfter() {
        String token = publisher("default");
        HttpResponse<String> last = null;
        // Limit is 50/s in tests; invalid bodies are cheap and still count.
        for (int i = 0; i < 80 && (last == null || last.statusCode() != 429); i++) {
            last = post(token, "{}");
        }
        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After")).hasValue("1");
        // Another producer is not affected.
        assertThat(post(publisher("default"), "{}").statusCode()).isEqualTo(400);
    }

    @Test
    void healthIsUpWithoutToken() {
        await().atMost(WAIT).untilAsserted(() -> assertThat(
                Fixtures.json(Fixtures.http("GET", url("/actuator/health"), null, null)).get("status").stringValue())
                .isEqualTo("UP"));
        JsonNode components = Fixtures.json(Fixtures.http("GET", url("/actuator/health"), null, null)).get("components");
        assertThat(components.get("routeTable").get("status").stringValue()).isEqualTo("UP");
        assertThat(components.get("store").get("status").stringValue()).isEqualTo("UP");
        assertThat(components.get("kafka").get("status").stringValue()).isEqualTo("UP");
        assertThat(Fixtures.http("GET", url("/actuator/health/readiness"), null, null).statusCode()).isEqualTo(200);
        assertThat(Fixtures.http("GET", url("/actuator/prometheus"), null, null).body()).contains("ims_ingest_records");
    }

    @Test
    void devModeAllowsCrossOriginPostsFromTheDemoPage() {
        var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(url("/api/v1/notifications")))
                .method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:8080")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization,content-type")
                .build();
        HttpResponse<String> r;
        try {
            r = java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("http://localhost:8080");
    }

    @Test
    void whenTheBrokerDoesNotAcknowledgeThe503CarriesTheGeneratedIdToRetryWith() {
        // A controller over the context's limiter and settings, with a template whose sends fail as a broker outage would.
        KafkaTemplate<String, Object> down = new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of())) {
            @Override
            public CompletableFuture<SendResult<String, Object>> send(String topic, String key, Object data) {
                return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException("no broker"));
            }
        };
        NotificationController controller = new NotificationController(down, rateLimiter, properties);
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/notifications");
        request.setContentType("application/json");
        request.setContent("{\"targetType\":\"user\",\"target\":\"u\",\"payload\":{}}".getBytes(StandardCharsets.UTF_8));
        Jwt jwt = Jwt.withTokenValue("t").header("alg", "HS256").subject("svc-" + Fixtures.uid())
                .claim("tenant", "t-" + Fixtures.uid()).claim("scope", "ims:publish").build();

        ResponseEntity<Object> response;
        try {
            response = controller.publish(request, jwt);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }

        assertThat(response.getStatusCode().value()).isEqualTo(503);
        JsonNode body = Json.tree(Json.toBytes(response.getBody()));
        assertThat(body.get("error").stringValue()).isEqualTo("unavailable");
        assertThat(body.get("message").stringValue()).contains("retry with the same id");
        assertThat(body.has("field")).isFalse();
        assertThat(body.get("id").stringValue()).as("the id generated for the request").isNotBlank();
    }
}
