package io.execbroker.broker.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@code events} command's watch: connects, hands each event on, and after a loss that is not a clean end
 * reconnects with {@code since=<last timeNano received>}, which the broker reads as "after that event", so nothing
 * Docker still holds is lost and nothing is repeated. Before any event has arrived it resumes from the user's
 * {@code since}, or else from the time the first connection opened (by {@code clock}, in seconds: inclusive).
 * Waits follow a {@link Backoff}, reset by each successful connection, and each reconnect says so in one notice.
 *
 * <p>Ends: a close 1000 ({@code until} reached) is {@link End#CLEAN}; {@link #stop()} is {@link End#STOPPED};
 * a refusal with a 4xx status other than 429 is {@link End#REFUSED} at once (asking again gets the same answer),
 * while 429 and 5xx (too many watchers, Docker unreachable, controller failures) are retried; a first connection
 * that cannot reach the broker at all is {@link End#LOST} (most likely a wrong URL). With {@code reconnect} off,
 * every loss and refusal ends the watch. {@link #run()} blocks; {@link #stop()} may be called from any thread.
 */
final class EventsWatch {
    /** How the watch ended. */
    enum End { CLEAN, STOPPED, REFUSED, LOST }

    /** How long a stop waits for the broker to answer its close. */
    static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WatchTarget target;
    private final WatchConnector connector;
    private final boolean reconnect;
    private final Consumer<String> events;
    private final Consumer<String> notices;
    private final Function<Duration, CompletableFuture<Void>> delay;
    private final Clock clock;
    private final Backoff backoff;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile WatchConnector.Connection current;
    private volatile long lastTimeNano = -1;
    private Instant firstOpened;

    /**
     * @param events gets each event's text as received
     * @param notices gets one line per reconnect, refusal or loss, for stderr
     * @param delay returns a future that completes after the given time
     */
    EventsWatch(WatchTarget target, WatchConnector connector, boolean reconnect, Consumer<String> events,
                Consumer<String> notices, Function<Duration, CompletableFuture<Void>> delay, Clock clock,
                Backoff backoff) {
        this.target = Objects.requireNonNull(target, "target");
        this.connector = Objects.requireNonNull(connector, "connector");
        this.reconnect = reconnect;
        this.events = Objects.requireNonNull(events, "events");
        this.notices = Objects.requireNonNull(notices, "notices");
        this.delay = Objects.requireNonNull(delay, "delay");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
    }

    /** Watches until the end; returns how it ended. */
    End run() {
        while (!stopped.isDone()) {
            URI uri = target.uri(resumeSince());
            CompletableFuture<WatchConnector.Connection> opening = connector.open(uri, this::onEvent);
            WatchConnector.Connection connection;
            try {
                connection = await(opening);
            } catch (WatchConnector.WatchRefusedException refused) {
                String why = "refused with HTTP " + refused.status() + ": " + refused.getMessage();
                if (!reconnect || !retryable(refused.status())) {
                    notices.accept(why);
                    return End.REFUSED;
                }
                pause(why);
                continue;
            } catch (StoppedException e) {
                opening.thenAccept(WatchConnector.Connection::close);
                break;
            } catch (RuntimeException e) {
                String why = "cannot connect to " + withoutQuery(uri) + ": " + describe(e);
                if (!reconnect || firstOpened == null) {
                    notices.accept(why);
                    return End.LOST;
                }
                pause(why);
                continue;
            }
            if (firstOpened == null) {
                firstOpened = clock.instant();
            }
            backoff.reset();
            Optional<End> end = follow(connection);
            if (end.isPresent()) {
                return end.get();
            }
        }
        return End.STOPPED;
    }

    /** Closes the watch (1000) and makes {@link #run()} return {@link End#STOPPED}; returns immediately. */
    void stop() {
        stopped.complete(null);
        WatchConnector.Connection connection = current;
        if (connection != null) {
            connection.close();
        }
    }

    /** Returns the {@code since} of the next connection. */
    Optional<String> resumeSince() {
        if (lastTimeNano >= 0) {
            return Optional.of(Long.toString(lastTimeNano));
        }
        if (target.since().isPresent() || firstOpened == null) {
            return target.since();
        }
        return Optional.of(firstOpened.getEpochSecond() + "." + String.format("%09d", firstOpened.getNano()));
    }

    /** Follows an open connection to its end: empty when it is to be reconnected. */
    private Optional<End> follow(WatchConnector.Connection connection) {
        current = connection;
        if (stopped.isDone()) {
            connection.close();
        }
        try {
            WatchConnector.Closure closure = await(connection.closed());
            if (closure.code() == 1000) {
                // A stop's own close is answered with 1000 too.
                return Optional.of(stopped.isDone() ? End.STOPPED : End.CLEAN);
            }
            return lost("closed with " + closure.code() + (closure.reason().isEmpty() ? "" : ": " + closure.reason()));
        } catch (StoppedException e) {
            awaitClose(connection);
            return Optional.of(End.STOPPED);
        } catch (RuntimeException e) {
            return stopped.isDone() ? Optional.of(End.STOPPED) : lost("connection lost: " + describe(e));
        } finally {
            current = null;
        }
    }

    private Optional<End> lost(String why) {
        if (stopped.isDone()) {
            return Optional.of(End.STOPPED);
        }
        if (!reconnect) {
            notices.accept(why);
            return Optional.of(End.LOST);
        }
        pause(why);
        return Optional.empty();
    }

    /** Says why and when it reconnects, then waits the back-off (or until stopped). */
    private void pause(String why) {
        Duration wait = backoff.next();
        notices.accept(why + "; reconnecting in " + seconds(wait)
            + resumeSince().map(since -> " with since=" + since).orElse(""));
        CompletableFuture.anyOf(delay.apply(wait), stopped).join();
    }

    private void onEvent(String text) {
        events.accept(text);
        try {
            JsonNode timeNano = JSON.readTree(text).path("timeNano");
            if (timeNano.canConvertToLong() && timeNano.asLong() > lastTimeNano) {
                lastTimeNano = timeNano.asLong();
            }
        } catch (IOException e) {
            // Not JSON: printed as received, and it cannot move since.
        }
    }

    private void awaitClose(WatchConnector.Connection connection) {
        try {
            connection.closed().get(CLOSE_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Stopping anyway: a broker that does not answer the close in time is left to the TCP teardown.
        }
    }

    /** Waits for {@code future}, or throws {@link StoppedException} once stopped; throws its failure unwrapped. */
    private <T> T await(CompletableFuture<T> future) {
        try {
            CompletableFuture.anyOf(future, stopped).join();
        } catch (CompletionException e) {
            // future failed: reported below
        }
        if (!future.isDone()) {
            throw new StoppedException();
        }
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static boolean retryable(int status) {
        return status == 429 || status >= 500;
    }

    private static String describe(Throwable e) {
        String tls = io.execbroker.protocol.client.TlsFailure.describe(e);
        if (tls != null) {
            return tls;
        }
        Throwable cause = e instanceof IllegalStateException && e.getCause() != null ? e.getCause() : e;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private static String withoutQuery(URI uri) {
        String text = uri.toString();
        int query = text.indexOf('?');
        return query < 0 ? text : text.substring(0, query);
    }

    private static String seconds(Duration wait) {
        long millis = wait.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis / 1000.0 + " s";
    }

    /** Thrown by {@link #await} when {@link #stop()} came first. */
    private static final class StoppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoppedException() {
            super(null, null, false, false);
        }
    }
}
