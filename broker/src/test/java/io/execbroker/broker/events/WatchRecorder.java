package io.execbroker.broker.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** One watch from the test's side: the events it received in order, and how it was closed. */
final class WatchRecorder {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final CompletableFuture<Close> closed = new CompletableFuture<>();
    final ClientWebSocket socket;

    record Close(int code, String reason) {
    }

    private WatchRecorder(ClientWebSocket socket) {
        this.socket = socket;
    }

    /** Connects to {@code uri} (path and query) with {@code token}; completes once upgraded. */
    static WatchRecorder connect(WebSocketClient client, int port, String uri, String token, boolean paused)
            throws Exception {
        ClientWebSocket socket = client.webSocket();
        WatchRecorder recorder = new WatchRecorder(socket);
        socket.textMessageHandler(recorder.events::add);
        socket.closeHandler(v -> recorder.closed.complete(new Close(
            socket.closeStatusCode() == null ? -1 : socket.closeStatusCode(), socket.closeReason())));
        socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri).setAllowOriginHeader(false)
            .addHeader("Authorization", "Bearer " + token)).toCompletionStage().toCompletableFuture()
            .get(20, TimeUnit.SECONDS);
        if (paused) {
            // Before any event: the test makes them after this returns.
            socket.pause();
        }
        return recorder;
    }

    /** Returns the next event, failing the test after 20 s without one. */
    JsonNode next() throws Exception {
        String json = events.poll(20, TimeUnit.SECONDS);
        if (json == null) {
            throw new AssertionError("no event within 20 s");
        }
        return MAPPER.readTree(json);
    }

    /** Returns events until one with {@code action} (its first word) for {@code name} arrives, that one included. */
    java.util.List<JsonNode> until(String action, String name) throws Exception {
        java.util.List<JsonNode> seen = new java.util.ArrayList<>();
        while (true) {
            JsonNode event = next();
            seen.add(event);
            if (event.path("Action").asText().split(":")[0].equals(action)
                && name.equals(event.path("Actor").path("Attributes").path("name").asText())) {
                return seen;
            }
        }
    }

    Close awaitClose() throws Exception {
        return closed.get(30, TimeUnit.SECONDS);
    }
}
