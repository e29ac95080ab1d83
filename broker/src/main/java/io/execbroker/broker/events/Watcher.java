package io.execbroker.broker.events;

import io.execbroker.protocol.frame.CloseCodes;
import io.vertx.core.http.ServerWebSocket;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * One watcher's WebSocket: each event its scope and filter let through goes out as one text message, Docker's JSON
 * unchanged, except that exec events lose their command line unless the scope keeps it
 * ({@link DockerEvent#withoutCommand}). Its queue is the WebSocket's write queue, bounded in bytes: once a write leaves it full the watcher is
 * closed with {@link CloseCodes#WATCHER_TOO_SLOW} and a reason naming the last {@code timeNano} it was sent (that
 * event is still delivered before the close), never buffered further and never skipped.
 *
 * <p>A watcher with {@code since} first catches up: it opens a stream of its own to Docker with {@code since} and
 * an {@code until} just past now, while the live events it is handed meanwhile wait in a bounded queue; when the
 * catch-up ends they follow, less those the catch-up already sent (same {@code timeNano}, actor and action). Both
 * streams hold every event of the overlap, so the switch has neither a gap nor a duplicate.
 *
 * <p>States: catching up (with {@code since}) or live, then closed. Not thread safe: the hub's context only.
 */
final class Watcher {
    /** Live events kept while catching up (DoS protection); past it the watcher is too slow. */
    static final int MAX_PENDING = 4096;
    /** Catch-up events remembered for the switch (Docker holds 256 for {@code since}, plus the overlap). */
    static final int MAX_CAUGHT_UP = 8192;
    /** How far past now the catch-up runs, for clocks of the broker and Docker that differ a little. */
    static final Duration CATCH_UP_MARGIN = Duration.ofSeconds(1);
    /** Longest close reason (RFC 6455 allows 123 bytes). */
    private static final int MAX_REASON = 123;

    /** How a watch ended, for the audit log. */
    record Ending(int closeCode, String reason, long eventsSent) {
    }

    private enum State { CATCHING_UP, LIVE, CLOSED }

    private final ServerWebSocket socket;
    private final WatchScope scope;
    private final WatchQuery query;
    private final EventHub hub;
    private final Clock clock;
    private final Consumer<Ending> onEnd;
    private State state = State.LIVE;
    private final ArrayDeque<DockerEvent> pending = new ArrayDeque<>();
    private Set<DockerEvent.Key> caughtUp = new HashSet<>();
    private DockerEventStream catchUp;
    private long untilTimer = -1;
    private long sent;
    private long lastTimeNano = -1;

    Watcher(ServerWebSocket socket, WatchScope scope, WatchQuery query, int queueBytes, EventHub hub, Clock clock,
            Consumer<Ending> onEnd) {
        this.socket = socket;
        this.scope = scope;
        this.query = query;
        this.hub = hub;
        this.clock = clock;
        this.onEnd = onEnd;
        socket.setWriteQueueMaxSize(queueBytes);
    }

    /** Joins the hub, and catches up first if {@code since} asks for the past. On the hub's context. */
    void start() {
        socket.closeHandler(v -> hub.execute(() -> end(socket.closeStatusCode() == null ? 1005 : socket.closeStatusCode(),
            "closed by the client")));
        // A watcher has nothing to say; what it sends is read (so pings and the close work) and dropped.
        socket.handler(data -> { });
        socket.exceptionHandler(e -> { });
        long now = nowNanos();
        if (query.untilNanos().isPresent() && query.untilNanos().getAsLong() < now && query.sinceNanos().isEmpty()) {
            close(CloseCodes.NORMAL, "until reached");
            return;
        }
        if (query.sinceNanos().isPresent() && query.sinceNanos().getAsLong() <= now) {
            state = State.CATCHING_UP;
        }
        hub.add(this);
        if (state == State.CLOSED) {
            return;
        }
        query.untilNanos().ifPresent(until -> untilTimer = hub.context().owner()
            .setTimer(Math.max(1, (until - now) / 1_000_000 + 1), id -> hub.execute(() -> {
                untilTimer = -1;
                if (state == State.LIVE) {
                    close(CloseCodes.NORMAL, "until reached");
                }
            })));
        if (state == State.CATCHING_UP) {
            long until = Math.min(query.untilNanos().orElse(Long.MAX_VALUE), now + CATCH_UP_MARGIN.toNanos());
            hub.openCatchUp(catchUpQuery(until), this::caughtUp, this::catchUpEnded).onComplete(opened -> {
                if (opened.failed()) {
                    closeUnreachable("Docker is unreachable");
                } else if (state == State.CLOSED) {
                    opened.result().close();
                } else {
                    catchUp = opened.result();
                }
            });
        }
    }

    /** Takes one event of the shared live stream. */
    void live(DockerEvent event) {
        if (state == State.CATCHING_UP) {
            if (pending.size() >= MAX_PENDING) {
                closeTooSlow();
                return;
            }
            pending.add(event);
        } else if (state == State.LIVE) {
            deliver(event);
        }
    }

    void closeUnreachable(String why) {
        close(CloseCodes.INTERNAL_ERROR, why + (lastTimeNano < 0 ? "" : "; resume with since=" + lastTimeNano));
    }

    void closeStopping() {
        close(CloseCodes.GOING_AWAY, "the broker is stopping");
    }

    private void caughtUp(DockerEvent event) {
        if (state != State.CATCHING_UP) {
            return;
        }
        if (caughtUp.size() >= MAX_CAUGHT_UP) {
            closeTooSlow();
            return;
        }
        caughtUp.add(event.key());
        deliver(event);
    }

    private void catchUpEnded(Throwable failure) {
        catchUp = null;
        if (state != State.CATCHING_UP) {
            return;
        }
        if (failure != null) {
            closeUnreachable("Docker is unreachable");
            return;
        }
        state = State.LIVE;
        while (!pending.isEmpty() && state == State.LIVE) {
            DockerEvent event = pending.poll();
            if (!caughtUp.contains(event.key())) {
                deliver(event);
            }
        }
        pending.clear();
        caughtUp = Set.of();
        if (state == State.LIVE && query.untilNanos().isPresent() && query.untilNanos().getAsLong() < nowNanos()) {
            close(CloseCodes.NORMAL, "until reached");
        }
    }

    private void deliver(DockerEvent event) {
        if (!query.inTime(event.timeNano())) {
            if (query.untilNanos().isPresent() && event.timeNano() > query.untilNanos().getAsLong()) {
                close(CloseCodes.NORMAL, "until reached");
            }
            return;
        }
        // The filter sees what the watcher would be sent: without the command line, a filter naming one would
        // tell the watcher whether an exec ran it.
        DockerEvent shown = scope.scope().commands() ? event : event.withoutCommand();
        if (!scope.allows(event) || !query.filter().matches(shown)) {
            return;
        }
        socket.writeTextMessage(shown.json());
        sent++;
        lastTimeNano = event.timeNano();
        if (socket.writeQueueFull()) {
            closeTooSlow();
        }
    }

    private void closeTooSlow() {
        close(CloseCodes.WATCHER_TOO_SLOW, lastTimeNano < 0 ? "too slow: nothing sent yet"
            : "too slow: last timeNano " + lastTimeNano);
    }

    private void close(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        String shown = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) : reason;
        end(code, shown);
        socket.close((short) code, shown);
    }

    private void end(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        pending.clear();
        if (untilTimer >= 0) {
            hub.context().owner().cancelTimer(untilTimer);
        }
        if (catchUp != null) {
            catchUp.close();
            catchUp = null;
        }
        hub.remove(this);
        onEnd.accept(new Ending(code, reason, sent));
    }

    /** Returns the query of the catch-up stream: since, until and the types the watcher may and wants to see. */
    private String catchUpQuery(long until) {
        Set<String> types = new TreeSet<>(scope.scope().types());
        if (!query.filter().values("type").isEmpty()) {
            types.retainAll(query.filter().values("type"));
        }
        String filters = "{\"type\":[" + String.join(",", types.stream().map(t -> "\"" + t + "\"").toList()) + "]}";
        return "?since=" + WatchQuery.dockerTime(query.sinceNanos().getAsLong()) + "&until="
            + WatchQuery.dockerTime(until) + "&filters=" + URLEncoder.encode(filters, StandardCharsets.UTF_8);
    }

    private long nowNanos() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
