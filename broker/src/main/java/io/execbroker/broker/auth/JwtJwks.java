package io.execbroker.broker.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpResponseExpectation;
import io.vertx.ext.web.client.WebClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of a JWKS URL by {@code kid}, fetched with WebClient when a token names a {@code kid} not in the cache.
 * At most one fetch runs at a time (others wait for it), and a fetch starts at most once per
 * {@code minRefreshInterval}: inside that window an unknown {@code kid} is refused at once, so a flood of tokens
 * with random {@code kid}s costs the key server one request per window. A fetch replaces the whole cache, so a
 * key removed from the set stops working at the next fetch.
 *
 * <p>Thread safe; {@link #find} returns immediately, and a caller on a Vert.x context gets its answer on that
 * context.
 */
final class JwtJwks {
    private static final Logger LOG = LoggerFactory.getLogger(JwtJwks.class);

    /** Largest key set body (DoS protection: a real one holds a few keys, about 1 KiB each). */
    static final int MAX_BODY_BYTES = 256 * 1024;

    private final WebClient client;
    private final URI url;
    private final Duration timeout;
    private final Duration minRefreshInterval;
    private final Clock clock;

    private volatile Map<String, JwtKey> keys = Map.of();
    private final Object lock = new Object();
    /** The running fetch, or null; guarded by {@link #lock}. */
    private Future<Void> inFlight;
    /** When the last fetch started, or null before the first; guarded by {@link #lock}. */
    private Instant lastFetch;
    /** Whether the last fetch failed; guarded by {@link #lock}. */
    private boolean lastFetchFailed;

    JwtJwks(WebClient client, URI url, Duration timeout, Duration minRefreshInterval, Clock clock) {
        this.client = client;
        this.url = url;
        this.timeout = timeout;
        this.minRefreshInterval = minRefreshInterval;
        this.clock = clock;
    }

    /**
     * Returns the key named {@code kid}, fetching the set if it is unknown and the rate limit allows. Fails with a
     * 401 {@link AuthorizationException} if the key set has no such key, or 503 if the key set cannot be fetched.
     */
    Future<JwtKey> find(String kid) {
        JwtKey cached = keys.get(kid);
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        Future<Void> refresh;
        Promise<Void> started = null;
        synchronized (lock) {
            cached = keys.get(kid);
            if (cached != null) {
                return Future.succeededFuture(cached);
            }
            Instant now = clock.instant();
            if (inFlight != null) {
                refresh = inFlight;
            } else if (lastFetch != null && now.isBefore(lastFetch.plus(minRefreshInterval))) {
                return Future.failedFuture(lastFetchFailed ? unavailable() : unknownKid());
            } else {
                started = Promise.promise();
                refresh = inFlight = started.future();
                lastFetch = now;
            }
        }
        if (started != null) {
            fetch(started);
        }
        return onCallerContext(refresh.transform(ar -> {
            if (ar.failed()) {
                return Future.failedFuture(unavailable());
            }
            JwtKey key = keys.get(kid);
            return key == null ? Future.failedFuture(unknownKid()) : Future.succeededFuture(key);
        }));
    }

    private void fetch(Promise<Void> done) {
        Future<Map<String, JwtKey>> fetched;
        try {
            fetched = client.getAbs(url.toString())
                .timeout(timeout.toMillis())
                .as(BoundedBody.codec(MAX_BODY_BYTES))
                .putHeader(HttpHeaders.ACCEPT.toString(), "application/json")
                .send()
                .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .expecting(HttpResponseExpectation.SC_OK)
                .map(response -> JwtJwkSet.parse(response.body()));
        } catch (RuntimeException e) {
            // Never leave inFlight set: every later unknown kid would wait on it forever.
            fetched = Future.failedFuture(e);
        }
        fetched.onComplete((byKid, failure) -> {
            if (failure != null) {
                LOG.warn("JWKS fetch from {} failed: {}", url, failure.toString());
            }
            synchronized (lock) {
                if (failure == null) {
                    keys = Map.copyOf(byKid);
                }
                lastFetchFailed = failure != null;
                inFlight = null;
            }
            done.complete(null, failure);
        });
    }

    /** Returns {@code future} completing on the caller's context, if it runs on one (the fetch may end elsewhere). */
    private static <T> Future<T> onCallerContext(Future<T> future) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return future;
        }
        Promise<T> promise = Promise.promise();
        future.onComplete((result, failure) -> context.runOnContext(v -> promise.complete(result, failure)));
        return promise.future();
    }

    private static AuthorizationException unknownKid() {
        return new AuthorizationException(401, "unknown kid");
    }

    private static AuthorizationException unavailable() {
        return new AuthorizationException(503, "key set unavailable");
    }
}
