package io.execbroker.sample.token;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Future;

/**
 * Turns a grant the user holds into a token for the broker: a stored one-time token or a signed JWT. A token is
 * for one purpose: an exec token allows no watch and a watch token no exec.
 */
public interface TokenIssuer {
    /**
     * Returns a token for {@code grant}, whose subject is the user, bound to the broker {@code brokerId} (a stored
     * token records it for the controller endpoint to check; a JWT names it in {@code aud}); returns immediately.
     */
    Future<IssuedToken> issue(ExecGrant grant, String brokerId);

    /**
     * Returns a token to watch the Docker events of {@code grant}'s scope, whose subject is the user, bound to the
     * broker {@code brokerId} the same way; returns immediately.
     */
    Future<IssuedToken> issueWatch(WatchGrant grant, String brokerId);
}
