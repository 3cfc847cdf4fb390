package com.ims.e2e;

import com.ims.protocol.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * A real WebSocket client over a real socket (the JDK's): answers pings, acks deliveries that carry an id, and keeps
 * every frame it received for the test to inspect, the way the SDK would (deduplication by id included).
 */
final class WsClient implements WebSocket.Listener, AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    /** Ids of deliveries in the order they were first seen: what a user would be shown. */
    private final Set<String> shown = new LinkedHashSet<>();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final boolean autoAck;
    private WebSocket socket;
    /** Acks are batched like the SDK does: one frame per 100 ms, so a replay burst never trips the rate limit. */
    private final List<String> pendingAcks = new ArrayList<>();
    private static final java.util.concurrent.ScheduledExecutorService ACKER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().unstarted(r));
    private java.util.concurrent.ScheduledFuture<?> ackTask;
    /** Paces a slow reader: the next frame (or part of one) is asked for only this long after the last. */
    private final long readPauseMillis;
    private static final java.util.concurrent.ScheduledExecutorService READER =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon().unstarted(r));

    private WsClient(boolean autoAck, long readPauseMillis) {
        this.autoAck = autoAck;
        this.readPauseMillis = readPauseMillis;
    }

    static WsClient connect(int port, String token, boolean autoAck) {
        return connect(port, token, autoAck, 0);
    }

    /**
     * A client that reads one frame (or part of one) per {@code readPauseMillis}: the JDK client reads its socket only
     * on demand, so the server's writes meet TCP's back-pressure, as they would behind a slow link.
     */
    static WsClient connect(int port, String token, boolean autoAck, long readPauseMillis) {
        WsClient client = new WsClient(autoAck, readPauseMillis);
        client.socket = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://localhost:" + port + "/ws?token=" + token), client)
                .orTimeout(10, TimeUnit.SECONDS).join();
        client.ackTask = ACKER.scheduleWithFixedDelay(client::flushAcks, 100, 100, TimeUnit.MILLISECONDS);
        return client;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            JsonNode frame = Json.tree(partial.toString());
            partial.setLength(0);
            frames.add(frame);
            String type = frame.path("type").asString();
            if ("ping".equals(type)) {
                ws.sendText("{\"type\":\"pong\",\"timestamp\":" + frame.path("timestamp").asLong() + ",\"payload\":{}}", true);
            } else if (frame.hasNonNull("id") && !"connected".equals(type)) {
                String id = frame.get("id").asString();
                synchronized (shown) {
                    shown.add(id);
                }
                if (autoAck) {
                    synchronized (pendingAcks) {
                        pendingAcks.add(id);
                    }
                }
            }
        }
        if (readPauseMillis > 0) {
            READER.schedule(() -> ws.request(1), readPauseMillis, TimeUnit.MILLISECONDS);
        } else {
            ws.request(1);
        }
        return null;
    }

    private void flushAcks() {
        List<String> ids;
        synchronized (pendingAcks) {
            if (pendingAcks.isEmpty() || socket.isOutputClosed()) {
                return;
            }
            ids = new ArrayList<>(pendingAcks);
            pendingAcks.clear();
        }
        String list = String.join("\",\"", ids);
        try {
            socket.sendText("{\"type\":\"ack\",\"timestamp\":" + System.currentTimeMillis() + ",\"payload\":{\"ids\":[\""
                    + list + "\"]}}", true).join();
        } catch (RuntimeException e) {
            // the socket went away; the server redelivers what was not acked
        }
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.complete(-1);
    }

    boolean isConnected() {
        return frames.stream().anyMatch(f -> "connected".equals(f.path("type").asString()));
    }

    List<String> shownIds() {
        synchronized (shown) {
            return new ArrayList<>(shown);
        }
    }

    /** Deliveries received, duplicates included. */
    long deliveries() {
        return frames.stream().filter(f -> f.hasNonNull("id") && !"connected".equals(f.path("type").asString())).count();
    }

    CompletableFuture<Integer> closed() {
        return closed;
    }

    @Override
    public void close() {
        ackTask.cancel(false);
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }
}
