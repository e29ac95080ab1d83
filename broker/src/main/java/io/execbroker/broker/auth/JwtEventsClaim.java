package io.execbroker.broker.auth;

import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.protocol.grant.InvalidGrantException;
import io.execbroker.protocol.grant.WatchGrant;

import java.util.Optional;

/**
 * Reads the watch grant of a verified token: the claim {@code events} holds the scope, the {@code events} object of
 * a watch grant ({@code {"containers":["web-*"],"labels":["team=a"],"types":["container"]}}) as JSON or as a string
 * of JSON text, and {@code sub} names the subject. A token with an {@code exec} claim allows no watch.
 */
final class JwtEventsClaim {
    static final String NAME = "events";

    private JwtEventsClaim() {
    }

    /**
     * Returns the watch grant of {@code jwt}.
     *
     * @throws AuthorizationException 403 for an exec token, 401 "missing events claim" or "invalid events claim: "
     *     and the bad field; the message never echoes claim values
     */
    static WatchGrant grant(DecodedJWT jwt) {
        Claim claim = jwt.getClaim(NAME);
        boolean exec = JwtExecClaim.present(jwt.getClaim(JwtExecClaim.NAME));
        if (!JwtExecClaim.present(claim)) {
            throw exec ? new AuthorizationException(403, "an exec token does not allow watching events")
                : new AuthorizationException(401, "missing events claim");
        }
        if (exec) {
            throw new AuthorizationException(401, "both exec and events claims (expected: one)");
        }
        try {
            return new WatchGrant(Optional.ofNullable(jwt.getSubject()).filter(s -> !s.isEmpty()),
                GrantJson.parseScope(JwtExecClaim.json(claim, NAME)));
        } catch (InvalidGrantException e) {
            throw new AuthorizationException(401, "invalid events claim: "
                + (e.field().isEmpty() ? "not a scope" : e.field()));
        }
    }
}
