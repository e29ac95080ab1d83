package io.execbroker.broker.events;

import io.execbroker.broker.docker.DockerErrors;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.net.SocketAddress;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared subscription to Docker's event stream, fanned out to every watcher. It opens when the first watch
 * has been granted (never before: nothing reaches Docker for a refused handshake) and closes once no watcher has
 * been left for {@link #IDLE}. If Docker drops it, every watcher is closed with 1011 and a reason saying Docker is
 * unreachable and where to resume (a watcher cannot be told of events it missed meanwhile, and must not hang), and
 * the hub reconnects by itself, waiting {@link #FIRST_RETRY} doubling up to {@link #MAX_RETRY} between tries;
 * while it cannot, new watches are refused with 503 at once. The stream is never paused for one watcher: each
 * watcher has its own bounded queue. State is confined to one context; {@link #ready} and {@link #execute} may
 * be called from any thread.
 */
public final class EventHub {
    /** How long the upstream stays open with no watcher, so that reconnecting watchers find it warm. */
    static final Duration IDLE = Duration.ofSeconds(30);
    static final Duration FIRST_RETRY = Duration.ofMillis(250);
    static final Duration MAX_RETRY = Duration.ofSeconds(8);
    private static final Logger LOG = LoggerFactory.getLogger(EventHub.class);

    private final Context context;
    private final HttpClient client;
    private final SocketAddress docker;
    private final String host;
    private final int maxWatchers;
    private final AtomicInteger slots = new AtomicInteger();
    private final AtomicInteger opens = new AtomicInteger();
    private final AtomicInteger watching = new AtomicInteger();
    private final Set<Watcher> watchers = new LinkedHashSet<>();
    private DockerEventStream upstream;
    private Future<Void> opening;
    private Throwable lastFailure;
    private long retryTimer = -1;
    private long idleTimer = -1;
    private Duration retry = FIRST_RETRY;
    private boolean closed;

    /**
     * Opens nothing yet.
     *
     * @param client the HTTP client for Docker's endpoint, with room for the upstream and the catch-up streams
     * @param docker Docker's address, like {@code /var/run/docker.sock}
     * @param host the Host header to send
     * @param maxWatchers watchers at once, counted from the grant check to the close (DoS protection)
     */
    public EventHub(Context context, HttpClient client, SocketAddress docker, String host, int maxWatchers) {
        this.context = context;
        this.client = client;
        this.docker = docker;
        this.host = host;
        this.maxWatchers = maxWatchers;
    }

    /** Takes a watcher's place; false when {@code maxWatchers} are taken. Thread safe. */
    public boolean tryReserve() {
        if (slots.incrementAndGet() > maxWatchers) {
            slots.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a place taken with {@link #tryReserve}. Thread safe. */
    public void release() {
        slots.decrementAndGet();
    }

    /** Returns how many watchers get live events now, for metrics. Thread safe. */
    public int watching() {
        return watching.get();
    }

    /** Returns how many times the upstream was opened, for metrics and tests. Thread safe. */
    public int upstreamOpens() {
        return opens.get();
    }

    Context context() {
        return context;
    }

    /** Runs {@code task} on the hub's context, at once if already there. */
    public void execute(Runnable task) {
        if (Context.isOnEventLoopThread() && context == io.vertx.core.Vertx.currentContext()) {
            task.run();
        } else {
            context.runOnContext(v -> task.run());
        }
    }

    /**
     * Returns immediately; completes once the upstream is open (opening it if need be), or fails with
     * {@link UnavailableException} when Docker cannot be reached or the broker is stopping.
     */
    public Future<Void> ready() {
        Promise<Void> ready = Promise.promise();
        execute(() -> {
            if (closed) {
                ready.fail(new UnavailableException("the broker is stopping"));
            } else if (upstream != null) {
                ready.complete();
            } else if (opening != null) {
                opening.onComplete(ready);
            } else if (retryTimer >= 0) {
                ready.fail(new UnavailableException(shown(lastFailure)));
            } else {
                open().onComplete(ready);
            }
        });
        return ready.future();
    }

    /** Adds a watcher, which then gets every live event. On the hub's context. */
    void add(Watcher watcher) {
        if (upstream == null) {
            watcher.closeUnreachable("the Docker events stream is not open");
            return;
        }
        watchers.add(watcher);
        watching.set(watchers.size());
        cancelIdle();
    }

    /** Removes a watcher (closed, or gone). On the hub's context. */
    void remove(Watcher watcher) {
        if (watchers.remove(watcher)) {
            watching.set(watchers.size());
            if (watchers.isEmpty()) {
                scheduleIdle();
            }
        }
    }

    /** Opens a stream of its own to Docker, for one watcher's events from the past. On the hub's context. */
    Future<DockerEventStream> openCatchUp(String query, Consumer<DockerEvent> onEvent, Handler<Throwable> onEnd) {
        return DockerEventStream.open(client, docker, host, query, onEvent, onEnd);
    }

    /** Closes every watcher with 1001 and the upstream; opens nothing any more. */
    public Future<Void> close() {
        Promise<Void> done = Promise.promise();
        execute(() -> {
            closed = true;
            cancelIdle();
            if (retryTimer >= 0) {
                context.owner().cancelTimer(retryTimer);
                retryTimer = -1;
            }
            new ArrayList<>(watchers).forEach(Watcher::closeStopping);
            watchers.clear();
            watching.set(0);
            if (upstream != null) {
                upstream.close();
                upstream = null;
            }
            done.complete();
        });
        return done.future();
    }

    private Future<Void> open() {
        opens.incrementAndGet();
        Future<Void> attempt = DockerEventStream.open(client, docker, host, "", this::publish, this::lost)
            .andThen(ar -> {
                opening = null;
                if (ar.succeeded()) {
                    if (closed) {
                        ar.result().close();
                        return;
                    }
                    upstream = ar.result();
                    retry = FIRST_RETRY;
                    lastFailure = null;
                    if (watchers.isEmpty()) {
                        scheduleIdle();
                    }
                } else {
                    lastFailure = ar.cause();
                    LOG.warn("cannot open Docker's events stream: {}", ar.cause().toString());
                    scheduleRetry();
                }
            })
            .<Void>mapEmpty()
            .recover(e -> Future.failedFuture(new UnavailableException(shown(e))));
        opening = attempt;
        return attempt;
    }

    private void publish(DockerEvent event) {
        if (watchers.isEmpty()) {
            return;
        }
        // A copy: a watcher that turns out too slow leaves the set while the event is handed out.
        List<Watcher> now = new ArrayList<>(watchers);
        for (Watcher watcher : now) {
            watcher.live(event);
        }
    }

    private void lost(Throwable cause) {
        upstream = null;
        String why = cause == null ? "Docker ended the events stream" : cause.getMessage();
        LOG.warn("Docker's events stream was lost: {}", why);
        List<Watcher> now = new ArrayList<>(watchers);
        watchers.clear();
        watching.set(0);
        now.forEach(w -> w.closeUnreachable("Docker is unreachable"));
        lastFailure = new IllegalStateException(why);
        if (!closed) {
            scheduleRetry();
        }
    }

    private void scheduleRetry() {
        if (closed || retryTimer >= 0) {
            return;
        }
        long delay = retry.toMillis();
        retry = retry.multipliedBy(2).compareTo(MAX_RETRY) > 0 ? MAX_RETRY : retry.multipliedBy(2);
        retryTimer = context.owner().setTimer(delay, id -> execute(() -> {
            retryTimer = -1;
            if (!closed && upstream == null && opening == null) {
                open();
            }
        }));
    }

    private void scheduleIdle() {
        cancelIdle();
        idleTimer = context.owner().setTimer(IDLE.toMillis(), id -> execute(() -> {
            idleTimer = -1;
            if (watchers.isEmpty() && upstream != null && slots.get() == 0) {
                upstream.close();
                upstream = null;
            }
        }));
    }

    private void cancelIdle() {
        if (idleTimer >= 0) {
            context.owner().cancelTimer(idleTimer);
            idleTimer = -1;
        }
    }

    /** Docker's events cannot be had now, or the broker is stopping: a 503 before the upgrade. */
    public static final class UnavailableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnavailableException(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * What a refused watcher is told: Docker's TLS failure, or that it is unreachable or slow; never the socket path
     * or address the failure's own text names (the log has it).
     */
    private static String shown(Throwable failure) {
        return DockerErrors.tlsFailure(failure).or(() -> DockerErrors.unreachable(failure))
            .orElse("Docker is unreachable");
    }
}
