package io.execbroker.broker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The reconnect logic against a scripted connector and a delay that records its waits instead of waiting. */
class EventsWatchTest {
    private static final URI URL = URI.create("ws://broker/events");
    private static final Instant OPENED = Instant.parse("2026-12-07T10:00:00.123456789Z");

    private final Deque<Supplier<CompletableFuture<WatchConnector.Connection>>> script = new ArrayDeque<>();
    private final List<URI> opened = new ArrayList<>();
    private final List<String> printed = new ArrayList<>();
    private final List<String> notices = new ArrayList<>();
    private final List<Duration> waits = new ArrayList<>();
    private Consumer<String> sink;

    private final WatchConnector connector = (uri, onEvent) -> {
        opened.add(uri);
        sink = onEvent;
        Supplier<CompletableFuture<WatchConnector.Connection>> next = script.poll();
        if (next == null) {
            throw new AssertionError("a connection nobody scripted: " + uri);
        }
        return next.get();
    };

    @AfterEach
    void everyScriptedConnectionWasMade() {
        assertThat(script).isEmpty();
    }

    private EventsWatch watch(boolean reconnect, Optional<String> since) {
        return new EventsWatch(new WatchTarget(URL, List.of("container=web-1"), since, Optional.of("1800000000")),
            connector, reconnect, printed::add, notices::add, wait -> {
                waits.add(wait);
                return CompletableFuture.completedFuture(null);
            }, Clock.fixed(OPENED, ZoneOffset.UTC), new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10)));
    }

    private static String event(long timeNano) {
        return "{\"status\":\"start\",\"Type\":\"container\",\"Action\":\"start\",\"timeNano\":" + timeNano + "}";
    }

    /** A connection that delivers {@code events}, then ends with {@code end} (a close code, or -1: dropped). */
    private void connects(int end, String... events) {
        script.add(() -> {
            Fake connection = new Fake();
            for (String event : events) {
                sink.accept(event);
            }
            if (end < 0) {
                connection.closed.completeExceptionally(new IOException("connection reset"));
            } else {
                connection.closed.complete(new WatchConnector.Closure(end, end == 1000 ? "until reached" : "bye"));
            }
            return CompletableFuture.completedFuture(connection);
        });
    }

    private void refused(int status, String error) {
        script.add(() -> CompletableFuture.failedFuture(new WatchConnector.WatchRefusedException(status, error)));
    }

    private void unreachable() {
        script.add(() -> CompletableFuture.failedFuture(new java.net.ConnectException("Connection refused")));
    }

    private List<String> sinceOfEach() {
        return opened.stream().map(uri -> {
            String query = uri.getRawQuery();
            int at = query.indexOf("since=");
            return at < 0 ? "-" : query.substring(at + 6).split("&")[0];
        }).toList();
    }

    @Test
    void reconnectsAfterADropWithSinceTheLastTimeNanoReceived() {
        connects(-1, event(1700000000000000001L), event(1700000000000000002L));
        connects(4003, event(1700000000000000003L));
        connects(1011);
        connects(1000, event(1700000000000000004L));
        assertThat(watch(true, Optional.empty()).run()).isEqualTo(EventsWatch.End.CLEAN);
        assertThat(printed).containsExactly(event(1700000000000000001L), event(1700000000000000002L),
            event(1700000000000000003L), event(1700000000000000004L));
        assertThat(sinceOfEach()).containsExactly("-", "1700000000000000002", "1700000000000000003",
            "1700000000000000003");
        assertThat(opened).allSatisfy(uri -> assertThat(uri.getRawQuery())
            .startsWith("filter=container%3Dweb-1").endsWith("&until=1800000000"));
        assertThat(notices).containsExactly(
            "connection lost: connection reset; reconnecting in 0.5 s with since=1700000000000000002",
            "closed with 4003: bye; reconnecting in 0.5 s with since=1700000000000000003",
            "closed with 1011: bye; reconnecting in 0.5 s with since=1700000000000000003");
    }

    @Test
    void beforeAnyEventItResumesFromTheUsersSinceOrElseFromWhenItFirstConnected() {
        connects(-1);
        connects(1000);
        assertThat(watch(true, Optional.of("1700000000.5")).run()).isEqualTo(EventsWatch.End.CLEAN);
        assertThat(sinceOfEach()).containsExactly("1700000000.5", "1700000000.5");

        connects(-1);
        connects(1000);
        assertThat(watch(true, Optional.empty()).run()).isEqualTo(EventsWatch.End.CLEAN);
        assertThat(sinceOfEach().subList(2, 4)).containsExactly("-", OPENED.getEpochSecond() + ".123456789");
    }

    @Test
    void theBackOffDoublesUpToItsBoundAndASuccessfulConnectionResetsIt() {
        connects(-1);
        for (int i = 0; i < 6; i++) {
            unreachable();
        }
        refused(503, "too many watchers");
        connects(1011);
        unreachable();
        connects(1000);
        assertThat(watch(true, Optional.empty()).run()).isEqualTo(EventsWatch.End.CLEAN);
        assertThat(waits).extracting(Duration::toMillis)
            .containsExactly(500L, 1000L, 2000L, 4000L, 8000L, 10000L, 10000L, 10000L, 500L, 1000L);
        assertThat(notices).hasSize(10).allSatisfy(n -> assertThat(n).contains("; reconnecting in "));
        assertThat(notices.get(1)).startsWith("cannot connect to ws://broker/events: Connection refused; reconnecting in 1 s");
        assertThat(notices.get(7)).startsWith("refused with HTTP 503: too many watchers; reconnecting in 10 s");
    }

    @Test
    void aRefusalWith4xxEndsAtOnceWithTheStatusAndTheBrokersError() {
        refused(401, "bad token");
        assertThat(watch(true, Optional.empty()).run()).isEqualTo(EventsWatch.End.REFUSED);
        assertThat(notices).containsExactly("refused with HTTP 401: bad token");
        assertThat(waits).isEmpty();
    }

    @Test
    void tooManyHandshakesIsRetried() {
        refused(429, "too many handshakes");
        connects(1000);
        assertThat(watch(true, Optional.empty()).run()).isEqualTo(EventsWatch.End.CLEAN);
        assertThat(waits).hasSize(1);
    }

    @Test
    void withoutReconnectALossOrAnyRefusalEndsTheWatch() {
        connects(4003, event(1700000000000000001L));
        assertThat(watch(false, Optional.empty()).run()).isEqualTo(EventsWatch.End.LOST);
        refused(503, "Docker is unreachable");
        assertThat(watch(false, Optional.empty()).run()).isEqualTo(EventsWatch.End.REFUSED);
        connects(-1);
        assertThat(watch(false, Optional.empty()).run()).isEqualTo(EventsWatch.End.LOST);
        assertThat(notices).containsExactly("closed with 4003: bye", "refused with HTTP 503: Docker is unreachable",
            "connection lost: connection reset");
        assertThat(waits).isEmpty();
    }

    @Test
    void aBrokerNeverReachedIsNotRetried() {
        unreachable();
        assertThat(watch(true, Optional.empty()).run()).isEqualTo(EventsWatch.End.LOST);
        assertThat(notices).containsExactly("cannot connect to ws://broker/events: Connection refused");
    }

    @Test
    void stopClosesTheOpenConnectionAndEndsStopped() throws Exception {
        Fake connection = new Fake();
        script.add(() -> CompletableFuture.completedFuture(connection));
        EventsWatch watch = watch(true, Optional.empty());
        CompletableFuture<EventsWatch.End> end = CompletableFuture.supplyAsync(watch::run);
        connection.opened.get(10, TimeUnit.SECONDS);
        watch.stop();
        assertThat(end.get(10, TimeUnit.SECONDS)).isEqualTo(EventsWatch.End.STOPPED);
        assertThat(connection.closes).isEqualTo(1);
        assertThat(notices).isEmpty();
    }

    @Test
    void stopDuringABackOffEndsStoppedWithoutAnotherConnection() throws Exception {
        connects(-1);
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        CompletableFuture<Void> never = new CompletableFuture<>();
        EventsWatch watch = new EventsWatch(new WatchTarget(URL, List.of(), Optional.empty(), Optional.empty()),
            connector, true, printed::add, notices::add, wait -> {
                waiting.complete(null);
                return never;
            }, Clock.fixed(OPENED, ZoneOffset.UTC), new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10)));
        CompletableFuture<EventsWatch.End> end = CompletableFuture.supplyAsync(watch::run);
        waiting.get(10, TimeUnit.SECONDS);
        watch.stop();
        assertThat(end.get(10, TimeUnit.SECONDS)).isEqualTo(EventsWatch.End.STOPPED);
        assertThat(opened).hasSize(1);
    }

    /** A connection the test ends; {@code close()} is answered with 1000, as the broker does. */
    private static final class Fake implements WatchConnector.Connection {
        final CompletableFuture<WatchConnector.Closure> closed = new CompletableFuture<>();
        final CompletableFuture<Void> opened = new CompletableFuture<>();
        volatile int closes;

        @Override
        public CompletableFuture<WatchConnector.Closure> closed() {
            opened.complete(null);
            return closed;
        }

        @Override
        public void close() {
            closes++;
            closed.complete(new WatchConnector.Closure(1000, ""));
        }
    }
}
