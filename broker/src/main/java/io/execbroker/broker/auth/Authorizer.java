package io.execbroker.broker.auth;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Future;

/**
 * Decides what a handshake may run, before the upgrade. Implementations return immediately and never block the
 * event loop; a refusal fails the future with an {@link AuthorizationException} that holds the HTTP status.
 */
@FunctionalInterface
public interface Authorizer {
    /** Decides an exec handshake ({@link HandshakeRequest.Purpose#EXEC}). */
    Future<ExecGrant> authorize(HandshakeRequest request);

    /**
     * Decides a watch of Docker events ({@link HandshakeRequest.Purpose#EVENTS}). An exec grant never allows a
     * watch: a token that grants exec only is refused with 403. By default nothing is watched.
     */
    default Future<WatchGrant> authorizeWatch(HandshakeRequest request) {
        return Future.failedFuture(new AuthorizationException(403, "watching events is not granted"));
    }

    /**
     * Completes once handshakes can be decided (the key material is loaded, like a JWKS), or fails saying what is
     * missing; for the readiness probe. By default ready at once.
     */
    default Future<Void> ready() {
        return Future.succeededFuture();
    }

    /** Returns what decides, for metrics: {@code controller}, {@code jwt}, or {@code custom}. */
    default String mode() {
        return "custom";
    }
}
