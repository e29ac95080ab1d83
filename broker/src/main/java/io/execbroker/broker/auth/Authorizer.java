package io.execbroker.broker.auth;

import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;

/**
 * Decides what a handshake may run, before the upgrade. Implementations return immediately and never block the
 * event loop; a refusal fails the future with an {@link AuthorizationException} that holds the HTTP status.
 */
@FunctionalInterface
public interface Authorizer {
    Future<ExecGrant> authorize(HandshakeRequest request);
}
