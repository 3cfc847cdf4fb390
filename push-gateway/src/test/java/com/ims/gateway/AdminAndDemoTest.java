package com.ims.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import com.ims.gateway.support.GatewayTestBase;
import com.ims.gateway.support.WsTestClient;
import com.ims.protocol.Json;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.Principal;

import static org.assertj.core.api.Assertions.assertThat;

class AdminAndDemoTest extends GatewayTestBase {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private HttpResponse<String> call(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String adminToken() {
        return DevTokens.mint(SECRET, "operator", List.of(), null, Principal.SCOPE_ADMIN, Duration.ofMinutes(5));
    }

    @Test
    void adminListsAndDisconnectsAUsersConnectionsWith4009() throws Exception {
        String tenant = unique("t");
        try (WsTestClient a = WsTestClient.connect(port, token("victim", tenant));
             WsTestClient b = WsTestClient.connect(port, token("victim", tenant));
             WsTestClient bystander = WsTestClient.connect(port, token("bystander", tenant))) {
            String clientA = a.clientId();
            b.awaitType("connected");
            bystander.awaitType("connected");

            HttpResponse<String> list = call("GET", "/api/v1/admin/connections?tenant=" + tenant + "&userId=victim",
                    adminToken());
            assertThat(list.statusCode()).isEqualTo(200);
            JsonNode body = Json.tree(list.body());
            assertThat(body.path("count").asInt()).isEqualTo(2);
            assertThat(body.path("connections").get(0).path("clientId").asString()).isEqualTo(clientA);

            HttpResponse<String> kick = call("DELETE", "/api/v1/admin/connections/victim?tenant=" + tenant, adminToken());
            assertThat(kick.statusCode()).isEqualTo(200);
            assertThat(a.awaitClose()).isEqualTo(4009);
            assertThat(b.awaitClose()).isEqualTo(4009);
            assertThat(bystander.isOpen()).isTrue();
        }
    }

    @Test
    void adminApiNeedsATokenAndTheAdminScope() throws Exception {
        assertThat(call("GET", "/api/v1/admin/connections", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/api/v1/admin/connections", "garbage").statusCode()).isEqualTo(401);
        HttpResponse<String> userCall = call("GET", "/api/v1/admin/connections", token("u", "t"));
        assertThat(userCall.statusCode()).isEqualTo(403);
        assertThat(Json.tree(userCall.body()).path("error").asString()).isEqualTo("forbidden");
    }

    @Test
    void healthAndPrometheusAreOpen() throws Exception {
        HttpResponse<String> health = call("GET", "/actuator/health", null);
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"UP\"");
        HttpResponse<String> metrics = call("GET", "/actuator/prometheus", null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("ims_gateway_connections");
    }

    @Test
    void devModeMintsDemoTokensThatTheGatewayAccepts() throws Exception {
        HttpResponse<String> response = call("GET", "/demo/token?userId=alice&roles=ops,sales&tenant=acme", null);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = Json.tree(response.body());
        assertThat(body.path("notificationUrl").asString()).startsWith("http://localhost:");
        assertThat(body.path("publishToken").asString()).isNotBlank();
        try (WsTestClient client = WsTestClient.connect(port, body.path("token").asString())) {
            JsonNode connected = client.awaitType("connected").path("payload");
            assertThat(connected.path("userId").asString()).isEqualTo("alice");
            assertThat(connected.path("tenant").asString()).isEqualTo("acme");
        }
    }

    @Test
    void demoPageIsServedAtSlashDemo() throws Exception {
        HttpResponse<String> page = call("GET", "/demo", null);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).containsIgnoringCase("<html");
        assertThat(call("GET", "/demo/demo.js", null).statusCode()).isEqualTo(200);
    }
}
