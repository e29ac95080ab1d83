package io.execbroker.broker.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of a JWKS URL by {@code kid}, fetched when a token names a {@code kid} not in the cache, and again once
 * the cache is old. At most one fetch runs at a time (others wait for it), and a fetch starts at most once per
 * {@code minRefreshInterval}: inside that window an unknown {@code kid} is refused at once, so a flood of tokens
 * with random {@code kid}s costs the key server one request per window. A fetch replaces the whole cache.
 *
 * <p>Keys expire: a cache older than {@code maxAge} is not used, so a key removed from the set stops being
 * accepted within {@code maxAge} even if no token ever names an unknown {@code kid}. Once the cache is half that
 * old, the next token that uses it starts a fetch in the background (the same one-fetch rule) and is answered from
 * the cache at once; only a token that comes when the cache has expired waits for the fetch, and if the key server
 * cannot be reached then, it is refused with 503: an expired key is never used. A redirect from the key server is
 * never followed (502); every fetch is bounded in time and size ({@link BoundedGet}).
 *
 * <p>Thread safe; {@link #find} returns immediately, and a caller on a Vert.x context gets its answer on that
 * context.
 */
final class JwtJwks {
    private static final Logger LOG = LoggerFactory.getLogger(JwtJwks.class);

    /** Largest key set body (DoS protection: a real one holds a few keys, about 1 KiB each). */
    static final int MAX_BODY_BYTES = 256 * 1024;

    private final BoundedGet http;
    private final URI url;
    private final Duration minRefreshInterval;
    private final Duration maxAge;
    private final Clock clock;

    private final Object lock = new Object();
    /** The keys of the last fetch that succeeded; guarded by {@link #lock}. */
    private Map<String, JwtKey> keys = Map.of();
    /** When the fetch that got {@link #keys} started, or null before the first; guarded by {@link #lock}. */
    private Instant keysFetchedAt;
    /** The running fetch, or null; guarded by {@link #lock}. */
    private Future<Void> inFlight;
    /** When the last fetch started, or null before the first; guarded by {@link #lock}. */
    private Instant lastFetch;
    /** Why the last fetch failed, or null if it succeeded; guarded by {@link #lock}. */
    private AuthorizationException lastFailure;

    JwtJwks(Vertx vertx, URI url, Duration timeout, Duration minRefreshInterval, Duration maxAge, Clock clock) {
        this.http = new BoundedGet(vertx, 1, timeout, MAX_BODY_BYTES);
        this.url = url;
        this.minRefreshInterval = minRefreshInterval;
        this.maxAge = maxAge;
        this.clock = clock;
    }

    /**
     * Returns the key named {@code kid}, fetching the set if the key is unknown or the cache expired and the rate
     * limit allows. Fails with a 401 {@link AuthorizationException} if the key set has no such key, 502 if the key
     * server answered a redirect, or 503 if the key set cannot be fetched.
     */
    Future<JwtKey> find(String kid) {
        Instant now = clock.instant();
        Future<Void> refresh;
        Promise<Void> started = null;
        JwtKey cached;
        synchronized (lock) {
            boolean fresh = keysFetchedAt != null && now.isBefore(keysFetchedAt.plus(maxAge));
            cached = fresh ? keys.get(kid) : null;
            if (cached != null) {
                refresh = null;
                if (!now.isBefore(keysFetchedAt.plus(maxAge.dividedBy(2))) && mayStartFetch(now)) {
                    started = startFetch(now); // in the background: this token is answered from the cache
                }
            } else if (inFlight != null) {
                refresh = inFlight;
            } else if (!mayStartFetch(now)) {
                return Future.failedFuture(lastFailure != null ? lastFailure : unknownKid());
            } else {
                started = startFetch(now);
                refresh = started.future();
            }
        }
        if (started != null) {
            fetch(started, now);
        }
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        return onCallerContext(refresh.transform(ar -> {
            if (ar.failed()) {
                return Future.failedFuture(ar.cause());
            }
            JwtKey key;
            synchronized (lock) {
                key = keys.get(kid);
            }
            return key == null ? Future.failedFuture(unknownKid()) : Future.succeededFuture(key);
        }));
    }

    /**
     * Completes when a key set younger than the maximum age is held; otherwise fetches one (within the same rate
     * limit as {@link #find}) and completes with that fetch, failing 503 (or 502) when there is none to be had.
     */
    Future<Void> ready() {
        Instant now = clock.instant();
        Promise<Void> started = null;
        Future<Void> pending;
        synchronized (lock) {
            if (keysFetchedAt != null && now.isBefore(keysFetchedAt.plus(maxAge))) {
                return Future.succeededFuture();
            }
            if (inFlight != null) {
                pending = inFlight;
            } else if (!mayStartFetch(now)) {
                return Future.failedFuture(lastFailure != null ? lastFailure : unavailable());
            } else {
                started = startFetch(now);
                pending = started.future();
            }
        }
        if (started != null) {
            fetch(started, now);
        }
        return onCallerContext(pending);
    }

    /** Returns true if no fetch runs and none started within the minimum refresh interval; hold {@link #lock}. */
    private boolean mayStartFetch(Instant now) {
        return inFlight == null && (lastFetch == null || !now.isBefore(lastFetch.plus(minRefreshInterval)));
    }

    /** Marks a fetch as started at {@code now}; hold {@link #lock}. */
    private Promise<Void> startFetch(Instant now) {
        Promise<Void> started = Promise.promise();
        inFlight = started.future();
        lastFetch = now;
        return started;
    }

    /** Fetches the set, started at {@code startedAt}: the keys' age counts from then. */
    private void fetch(Promise<Void> done, Instant startedAt) {
        Future<Map<String, JwtKey>> fetched;
        try {
            fetched = http.get(url.toString(), MultiMap.caseInsensitiveMultiMap()
                    .add(HttpHeaders.ACCEPT, "application/json"))
                .compose(answer -> {
                    if (answer.redirect()) {
                        return Future.failedFuture(new AuthorizationException(502, "the key set server answered a"
                            + " redirect (" + answer.status() + "), which the broker does not follow"));
                    }
                    if (answer.status() != 200) {
                        return Future.failedFuture("status " + answer.status() + " (expected: 200)");
                    }
                    return Future.succeededFuture(JwtJwkSet.parse(answer.body()));
                });
        } catch (RuntimeException e) {
            // Never leave inFlight set: every later unknown kid would wait on it forever.
            fetched = Future.failedFuture(e);
        }
        fetched.onComplete((byKid, failure) -> {
            AuthorizationException refusal = failure == null ? null
                : failure instanceof AuthorizationException known ? known : unavailable();
            if (failure != null) {
                LOG.warn("JWKS fetch from {} failed: {}", url, failure.getMessage() == null ? failure.toString()
                    : failure.getMessage());
            }
            synchronized (lock) {
                if (failure == null) {
                    keys = Map.copyOf(byKid);
                    keysFetchedAt = startedAt;
                }
                lastFailure = refusal;
                inFlight = null;
            }
            if (refusal == null) {
                done.complete();
            } else {
                done.fail(refusal);
            }
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
