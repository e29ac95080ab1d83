package io.execbroker.broker.ops;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether the broker can serve sessions now: Docker answers a ping, and the authorizer has its key material (a
 * JWKS within its age). Each check must answer within {@link #BOUND}, so that a stalled engine makes the probe
 * say "not ready" rather than hang. One Docker ping at most is in flight, however often the probe asks: a stalled
 * engine never piles pings up on the Docker workers. Thread safe.
 */
public final class Readiness {
    /** How long each check may take before it counts as failed. */
    public static final Duration BOUND = Duration.ofSeconds(2);

    private final Vertx vertx;
    private final Supplier<Future<Void>> dockerPing;
    private final Supplier<Future<Void>> authorizerReady;
    private final Object lock = new Object();
    private Future<Void> pingInFlight;

    /** What a check found: ready, and per check {@code ok} or what is wrong. Immutable. */
    public record Report(boolean ready, Map<String, String> checks) {
        public Report {
            checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
        }
    }

    public Readiness(Vertx vertx, Supplier<Future<Void>> dockerPing, Supplier<Future<Void>> authorizerReady) {
        this.vertx = vertx;
        this.dockerPing = dockerPing;
        this.authorizerReady = authorizerReady;
    }

    /** Runs both checks at once; completes (never fails) within about {@link #BOUND}. */
    public Future<Report> check() {
        Future<String> docker = bounded(ping(), "Docker");
        Future<String> authorizer = bounded(authorizerReady.get(), "the authorizer");
        return Future.join(docker, authorizer).transform(v -> {
            Map<String, String> checks = new LinkedHashMap<>();
            checks.put("docker", docker.result());
            checks.put("authorizer", authorizer.result());
            boolean ready = checks.values().stream().allMatch("ok"::equals);
            return Future.succeededFuture(new Report(ready, checks));
        });
    }

    private Future<Void> ping() {
        Future<Void> ping;
        synchronized (lock) {
            if (pingInFlight != null) {
                return pingInFlight;
            }
            ping = dockerPing.get();
            pingInFlight = ping;
        }
        // Outside the lock, and after the field is set: a ping already done clears it at once, never leaving it set.
        ping.onComplete(done -> {
            synchronized (lock) {
                if (pingInFlight == ping) {
                    pingInFlight = null;
                }
            }
        });
        return ping;
    }

    /** Returns "ok", or what is wrong, within the bound; never fails. */
    private Future<String> bounded(Future<Void> check, String what) {
        Promise<String> answer = Promise.promise();
        long timer = vertx.setTimer(BOUND.toMillis(), id -> answer.tryComplete(what + " did not answer within "
            + BOUND.toMillis() + " ms"));
        check.onComplete(done -> {
            vertx.cancelTimer(timer);
            answer.tryComplete(done.succeeded() ? "ok" : what + " is not ready: " + message(done.cause()));
        });
        return answer.future();
    }

    private static String message(Throwable cause) {
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            return cause.getClass().getSimpleName();
        }
        // One line, and short: a reason for an operator, never a body or a trace.
        String line = message.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }
}
