package io.execbroker.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Watch connections on the JDK's WebSocket client, the token sent as {@code Authorization: Bearer} (as
 * {@code ExecClient} does). Events are taken one message at a time, so a terminal that prints slowly slows the
 * socket, and the broker, not this process's memory, holds the backlog (closing with 4003 if it grows too far).
 */
final class WebSocketWatchConnector implements WatchConnector {
    /** Largest event this client assembles from fragments (DoS protection; Docker's events are a few KiB). */
    static final int MAX_EVENT_CHARS = 4 * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http;
    private final Optional<String> token;
    private final Duration connectTimeout;

    WebSocketWatchConnector(HttpClient http, Optional<String> token, Duration connectTimeout) {
        this.http = http;
        this.token = token;
        this.connectTimeout = connectTimeout;
    }

    @Override
    public CompletableFuture<Connection> open(URI uri, Consumer<String> onEvent) {
        Receiver receiver = new Receiver(onEvent);
        WebSocket.Builder builder = http.newWebSocketBuilder().connectTimeout(connectTimeout);
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        return builder.buildAsync(uri, receiver).handle((ws, failure) -> {
            if (failure == null) {
                return receiver;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            if (cause instanceof WebSocketHandshakeException refused) {
                throw new WatchRefusedException(refused.getResponse().statusCode(),
                    errorText(refused.getResponse().body()));
            }
            throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
        });
    }

    /** Returns the {@code error} of a JSON body like {@code {"error":"bad token"}}, or the body itself. */
    static String errorText(Object body) {
        String text = body == null ? "" : body.toString().strip();
        try {
            JsonNode error = JSON.readTree(text).path("error");
            if (error.isTextual()) {
                return error.asText();
            }
        } catch (IOException e) {
            // Not JSON (a proxy's page, say): shown as it is.
        }
        return text.isEmpty() ? "(no error text)" : text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** One connection's listener and handle. */
    private static final class Receiver implements WebSocket.Listener, Connection {
        private final Consumer<String> onEvent;
        private final CompletableFuture<Closure> closed = new CompletableFuture<>();
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket ws;

        Receiver(Consumer<String> onEvent) {
            this.onEvent = onEvent;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            if (partial.length() + data.length() > MAX_EVENT_CHARS) {
                webSocket.abort();
                closed.completeExceptionally(new IOException("an event larger than " + MAX_EVENT_CHARS + " characters"));
                return null;
            }
            partial.append(data);
            if (last) {
                String event = partial.toString();
                partial.setLength(0);
                onEvent.accept(event);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            // Returning null makes the JDK answer the close with the same code.
            closed.complete(new Closure(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        @Override
        public CompletableFuture<Closure> closed() {
            return closed;
        }

        @Override
        public void close() {
            WebSocket socket = ws;
            if (socket != null && !socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").whenComplete((w, e) -> {
                    if (e != null) {
                        socket.abort();
                    }
                });
            }
        }
    }
}
