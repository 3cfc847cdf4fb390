package com.ims.gateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import tools.jackson.databind.JsonNode;

import com.ims.protocol.Json;

import static org.awaitility.Awaitility.await;

/** A real WebSocket client (the JDK's) that records every frame and the close code; answers pings unless told not to. */
public final class WsTestClient implements WebSocket.Listener, AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    public final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private volatile boolean answerPings = true;
    /** When false the client stops reading from the socket (a slow consumer). */
    private final boolean reading;
    private WebSocket socket;

    private WsTestClient(boolean reading) {
        this.reading = reading;
    }

    public static WsTestClient connect(int port, String token) {
        return connect(port, token, Map.of(), true);
    }

    public static WsTestClient connect(int port, String token, Map<String, String> headers, boolean reading) {
        WsTestClient client = new WsTestClient(reading);
        String uri = "ws://localhost:" + port + "/ws" + (token == null ? "" : "?token=" + token);
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        client.socket = builder.buildAsync(URI.create(uri), client).join();
        return client;
    }

    /** Connects with the token in the Authorization header instead of the query. */
    public static WsTestClient connectWithHeader(int port, String token) {
        return connect(port, null, Map.of("Authorization", "Bearer " + token), true);
    }

    public static CompletableFuture<WebSocket> tryConnect(int port, Map<String, String> headers) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        return builder.buildAsync(URI.create("ws://localhost:" + port + "/ws"), new WsTestClient(true));
    }

    public WsTestClient silent() {
        answerPings = false;
        return this;
    }

    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /** One whole binary message (the gateway refuses binary: frames are JSON text). */
    public void sendBinary(byte[] data) {
        socket.sendBinary(java.nio.ByteBuffer.wrap(data), true).join();
    }

    /**
     * A message the server may refuse before it read all of it (over the frame limit): the server's close can come
     * while this client is still writing, and the JDK client then fails the send ("closed output") once it answered
     * that close. Not an error here: the caller asserts the close code.
     */
    public void sendTheServerMayCut(String text) {
        tolerateCut(() -> send(text));
    }

    /** {@link #sendTheServerMayCut(String)} for a binary message. */
    public void sendBinaryTheServerMayCut(byte[] data) {
        tolerateCut(() -> sendBinary(data));
    }

    private static void tolerateCut(Runnable send) {
        try {
            send.run();
        } catch (java.util.concurrent.CompletionException e) {
            if (!(e.getCause() instanceof java.io.IOException)) {
                throw e;
            }
        }
    }

    /** An unsolicited protocol pong frame (RFC 6455 section 5.5.3 allows one as a heartbeat). */
    public void sendPong() {
        socket.sendPong(java.nio.ByteBuffer.wrap(new byte[] {1, 2, 3})).join();
    }

    public void startReading() {
        socket.request(Long.MAX_VALUE);
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(reading ? Long.MAX_VALUE : 1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            JsonNode frame = Json.tree(partial.toString());
            partial.setLength(0);
            frames.add(frame);
            if (answerPings && "ping".equals(frame.path("type").asString())) {
                webSocket.sendText("{\"type\":\"pong\",\"timestamp\":" + frame.path("timestamp").asLong() + ",\"payload\":{}}", true);
            }
        }
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

    public JsonNode awaitFrame(Predicate<JsonNode> match) {
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.stream().anyMatch(match));
        return frames.stream().filter(match).findFirst().orElseThrow();
    }

    public JsonNode awaitType(String type) {
        return awaitFrame(f -> type.equals(f.path("type").asString()));
    }

    public List<JsonNode> ofType(String type) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode f : frames) {
            if (type.equals(f.path("type").asString())) {
                out.add(f);
            }
        }
        return out;
    }

    public String clientId() {
        return awaitType("connected").path("payload").path("clientId").asString();
    }

    public int awaitClose() {
        try {
            return closeCode.get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("connection was not closed", e);
        }
    }

    public boolean isOpen() {
        return !closeCode.isDone();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
