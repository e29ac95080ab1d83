package io.execbroker.broker.docker;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * {@code GET /_ping} over the broker's own Vert.x client of Docker's endpoint, the one the event streams use, so with
 * the same TLS settings as the exec and event streams. Unlike docker-java's blocking client, which with TLS 1.3 sees
 * a refused client certificate only as a broken pipe, Netty reads Docker's TLS alert and reports it. Returns
 * immediately.
 */
public final class DockerPing {
    private DockerPing() {
    }

    /** Completes once Docker answered 200; fails with the reason, like an {@code SSLHandshakeException}. */
    public static Future<Void> over(HttpClient client, DockerEndpoint endpoint) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setServer(endpoint.address())
            .setHost(endpoint.hostHeader()).setPort(80).setURI("/_ping");
        return client.request(options).compose(request -> request.send()).compose(response -> response.body()
            .compose(body -> response.statusCode() == 200 ? Future.<Void>succeededFuture()
                : Future.failedFuture("Docker answered GET /_ping with " + response.statusCode())));
    }
}
