package io.execbroker.broker.ops;

import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Future;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * An authorizer with each decision timed and counted by outcome ({@code granted}, or the refusal's HTTP status):
 * in controller mode that is the controller's round trip. A refused JWT is also counted by its reason. Thread safe
 * if the authorizer is.
 */
public final class MeteredAuthorizer implements Authorizer {
    private final Authorizer next;
    private final BrokerMetrics metrics;

    public MeteredAuthorizer(Authorizer next, BrokerMetrics metrics) {
        this.next = next;
        this.metrics = metrics;
    }

    @Override
    public Future<ExecGrant> authorize(HandshakeRequest request) {
        return timed("exec", () -> next.authorize(request));
    }

    @Override
    public Future<WatchGrant> authorizeWatch(HandshakeRequest request) {
        return timed("events", () -> next.authorizeWatch(request));
    }

    @Override
    public Future<Void> ready() {
        return next.ready();
    }

    @Override
    public String mode() {
        return next.mode();
    }

    private <G> Future<G> timed(String purpose, Supplier<Future<G>> decision) {
        long started = System.nanoTime();
        return decision.get().andThen(done -> {
            String outcome;
            if (done.succeeded()) {
                outcome = "granted";
            } else if (done.cause() instanceof AuthorizationException refused) {
                outcome = Integer.toString(refused.status());
                if (next.mode().equals("jwt") && refused.status() == 401) {
                    metrics.jwtRefused(MetricLabels.jwtReason(refused.getMessage()));
                }
            } else {
                outcome = "error";
            }
            metrics.authorization(next.mode(), purpose, outcome, Duration.ofNanos(System.nanoTime() - started));
        });
    }
}
