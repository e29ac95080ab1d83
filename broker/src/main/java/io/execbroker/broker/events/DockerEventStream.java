package io.execbroker.broker.events;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * One {@code GET /events} stream from Docker, read on an event loop by Vert.x's HTTP client (over the unix socket
 * or tcp, with TLS as the docker CLI's), one JSON event per line. Not docker-java's {@code eventsCmd}: that would
 * hold a worker thread per stream, its 30 s read timeout would end a quiet stream, and it would re-encode the
 * events, where watchers must get Docker's own JSON unchanged. Never paused: a slow watcher is closed instead.
 * Not thread safe: use it from the context it was opened on.
 */
final class DockerEventStream {
    /** Longest event line accepted (DoS protection against a confused endpoint); labels make events large. */
    static final int MAX_EVENT_BYTES = 1024 * 1024;

    private final HttpClientRequest request;
    private boolean ended;

    private DockerEventStream(HttpClientRequest request) {
        this.request = request;
    }

    /**
     * Opens the stream {@code GET /events?query}; completes once Docker answered 200. Each event goes to
     * {@code onEvent}; {@code onEnd} runs once when the stream ends: with null when Docker ended it (an
     * {@code until} reached), or with the failure.
     */
    static Future<DockerEventStream> open(HttpClient client, SocketAddress docker, String host, String query,
                                          Consumer<DockerEvent> onEvent, Handler<Throwable> onEnd) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setServer(docker).setHost(host)
            .setPort(80).setURI("/events" + query).putHeader("Accept", "application/json");
        return client.request(options).compose(request -> request.send().compose(response -> {
            if (response.statusCode() != 200) {
                request.connection().close();
                return Future.failedFuture("Docker answered GET /events with " + response.statusCode());
            }
            DockerEventStream stream = new DockerEventStream(request);
            Handler<Throwable> endOnce = cause -> {
                if (!stream.ended) {
                    stream.ended = true;
                    onEnd.handle(cause);
                }
            };
            RecordParser lines = RecordParser.newDelimited("\n", line -> {
                if (line.length() == 0 || stream.ended) {
                    return;
                }
                DockerEvent event;
                try {
                    event = DockerEvent.parse(line.toString(StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    request.connection().close();
                    endOnce.handle(e);
                    return;
                }
                onEvent.accept(event);
            }).maxRecordSize(MAX_EVENT_BYTES);
            lines.exceptionHandler(e -> {
                request.connection().close();
                endOnce.handle(e);
            });
            response.handler(lines);
            response.exceptionHandler(endOnce);
            response.endHandler(v -> endOnce.handle(null));
            request.connection().closeHandler(v -> endOnce.handle(new IllegalStateException("Docker closed the events stream")));
            return Future.succeededFuture(stream);
        }));
    }

    /** Closes the stream's connection; its end handler does not run for it. */
    void close() {
        ended = true;
        request.connection().close();
    }
}
