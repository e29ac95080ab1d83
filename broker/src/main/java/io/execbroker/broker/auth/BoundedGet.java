package io.execbroker.broker.auth;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP GET to a service the broker trusts for grants or keys, with the bounds such a call needs:
 * <ul>
 *   <li>a <b>total deadline</b>: a server that trickles its answer byte by byte still fails at it, with a
 *       {@link TimeoutException}, and the request is reset so its connection is not held;</li>
 *   <li>a <b>largest body</b>: past it the call fails with {@link TooLarge} and is reset (DoS protection);</li>
 *   <li><b>no redirect followed</b>: a 3xx is returned as it is, and the {@code Location} is never fetched, so a
 *       grant or key can only come from the URL the operator configured, and the broker's credentials go nowhere
 *       else.</li>
 * </ul>
 * Written on Vert.x's core {@link HttpClient} rather than WebClient: WebClient's timeouts are a connect and an idle
 * timeout (a trickle resets the idle one forever), it follows redirects by default, and it gives no handle to
 * reset a request in flight. Thread safe; {@link #get} returns immediately.
 */
final class BoundedGet {
    /** The answer: its status and body (at most the bound), for any status. */
    record Answer(int status, Buffer body) {
        Answer {
            Objects.requireNonNull(body, "body");
        }

        boolean redirect() {
            return status >= 300 && status < 400;
        }
    }

    /** The body was larger than allowed. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(int maxBytes) {
            super("body larger than " + maxBytes + " bytes", null, false, false);
        }
    }

    private final Vertx vertx;
    private final HttpClient client;
    private final Duration deadline;
    private final int maxBodyBytes;

    /**
     * @param maxConnections connections kept to the server at once; calls past it wait for one, within the deadline
     * @param deadline bounds each whole call: connecting, sending, the status line, the headers and the body
     * @param maxBodyBytes the largest body read
     */
    BoundedGet(Vertx vertx, int maxConnections, Duration deadline, int maxBodyBytes) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline: " + deadline + " (expected: > 0)");
        }
        if (maxBodyBytes <= 0) {
            throw new IllegalArgumentException("maxBodyBytes: " + maxBodyBytes + " (expected: > 0)");
        }
        this.maxBodyBytes = maxBodyBytes;
        this.client = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(maxConnections));
    }

    /**
     * GETs {@code absoluteUri} with {@code headers}. Fails with {@link TimeoutException} at the deadline,
     * {@link TooLarge} past the body bound, or the connection's own failure (like a {@link java.net.ConnectException}).
     */
    Future<Answer> get(String absoluteUri, MultiMap headers) {
        long millis = Math.max(1, deadline.toMillis());
        Promise<Answer> answer = Promise.promise();
        long timer = vertx.setTimer(millis, id -> answer.tryFail(new TimeoutException("no whole answer within "
            + millis + " ms")));
        Future<HttpClientRequest> requested;
        try {
            requested = client.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(absoluteUri)
                .setHeaders(headers).setFollowRedirects(false).setConnectTimeout(millis).setIdleTimeout(millis));
        } catch (RuntimeException e) {
            requested = Future.failedFuture(e); // a URI the client cannot use: a failed call, never a thrown one
        }
        requested.onComplete((request, failure) -> {
            if (failure != null) {
                answer.tryFail(failure);
                return;
            }
            // The call's own failures end it here, not in Vert.x's log: without handlers, each reset of a timed-out
            // call and each reset from the server logs an ERROR of its own beside the call's one WARN.
            request.exceptionHandler(answer::tryFail);
            request.connection().exceptionHandler(answer::tryFail);
            // Whatever ends the call early (the deadline, the body bound) resets the request, so the server's
            // trickle no longer holds a connection.
            answer.future().onFailure(e -> request.reset(0, e));
            if (!answer.future().isComplete()) {
                send(request, answer);
            }
        });
        return answer.future().andThen(done -> vertx.cancelTimer(timer));
    }

    private void send(HttpClientRequest request, Promise<Answer> answer) {
        request.send().onComplete((response, failure) -> {
            if (failure != null) {
                answer.tryFail(failure);
            } else {
                read(response, answer);
            }
        });
    }

    private void read(HttpClientResponse response, Promise<Answer> answer) {
        Buffer body = Buffer.buffer();
        response.exceptionHandler(answer::tryFail);
        response.handler(chunk -> {
            if (body.length() + chunk.length() > maxBodyBytes) {
                answer.tryFail(new TooLarge(maxBodyBytes));
            } else if (!answer.future().isComplete()) {
                body.appendBuffer(chunk);
            }
        });
        response.endHandler(v -> answer.tryComplete(new Answer(response.statusCode(), body)));
    }

    /** Closes the connections; calls under way fail. */
    Future<Void> close() {
        return client.close();
    }
}
