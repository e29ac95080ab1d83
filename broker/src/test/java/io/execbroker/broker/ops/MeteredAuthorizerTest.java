package io.execbroker.broker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.protocol.grant.ExecGrant;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;

import java.util.ArrayDeque;
import java.util.Deque;

import org.junit.jupiter.api.Test;

class MeteredAuthorizerTest {
    private final BrokerMetrics metrics = BrokerMetrics.inMemory();
    private final Deque<Future<ExecGrant>> answers = new ArrayDeque<>();

    private Authorizer jwt() {
        return new Authorizer() {
            @Override
            public Future<ExecGrant> authorize(HandshakeRequest request) {
                return answers.poll();
            }

            @Override
            public String mode() {
                return "jwt";
            }
        };
    }

    private double timed(String outcome) {
        MeterRegistry registry = metrics.registry();
        var timer = registry.find("exec_broker_authorization_duration").tag("mode", "jwt").tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private double refused(String reason) {
        var counter = metrics.registry().find("exec_broker_jwt_failures").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void eachDecisionIsTimedByOutcomeAndARefusedJwtIsCountedByItsReasonOnly() {
        Authorizer metered = new MeteredAuthorizer(jwt(), metrics);
        answers.add(Future.succeededFuture(ExecGrant.builder("web-1", java.util.List.of("ls")).build()));
        answers.add(Future.failedFuture(new AuthorizationException(401, "expired")));
        answers.add(Future.failedFuture(new AuthorizationException(401, "algorithm not allowed: eyJzZWNyZXQi")));
        answers.add(Future.failedFuture(new AuthorizationException(503, "key set unavailable")));
        answers.add(Future.failedFuture(new IllegalStateException("bug")));
        for (int i = 0; i < 5; i++) {
            metered.authorize(null);
        }
        assertThat(timed("granted")).isEqualTo(1);
        assertThat(timed("401")).isEqualTo(2);
        assertThat(timed("503")).isEqualTo(1);
        assertThat(timed("error")).isEqualTo(1);
        assertThat(refused("expired")).isEqualTo(1);
        assertThat(refused("algorithm_not_allowed")).isEqualTo(1);
        assertThat(metrics.registry().getMeters()).allSatisfy(meter ->
            assertThat(meter.getId().getTags().toString()).doesNotContain("eyJ"));
        assertThat(metered.mode()).isEqualTo("jwt");
    }
}
