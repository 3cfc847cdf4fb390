package com.ims.presence.support;

import com.ims.protocol.Json;
import com.ims.support.auth.DevTokens;
import com.ims.support.auth.JwtSettings;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A real HTTP client for the service under test, with tokens minted by the dev secret. */
public final class ApiClient {

    public record Response(int status, String body) {
        public JsonNode json() {
            return Json.tree(body);
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    public ApiClient(int port) {
        this.port = port;
    }

    public static String adminToken(String tenant) {
        return DevTokens.mint(JwtSettings.DEV_SECRET, "ops-console", List.of(), tenant, "ims:admin", Duration.ofMinutes(5));
    }

    public static String userToken(String tenant, String userId) {
        return DevTokens.mint(JwtSettings.DEV_SECRET, userId, List.of(), tenant, null, Duration.ofMinutes(5));
    }

    public Response presence(String token, String userId, String tenant) {
        String query = tenant == null ? "" : "?tenant=" + URLEncoder.encode(tenant, StandardCharsets.UTF_8);
        return get(token, "/api/v1/presence/" + URLEncoder.encode(userId, StandardCharsets.UTF_8) + query);
    }

    public Response get(String token, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
