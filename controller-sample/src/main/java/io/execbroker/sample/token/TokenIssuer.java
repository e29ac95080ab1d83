package io.execbroker.sample.token;

import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;

/** Turns a grant the user holds into a token for the broker: a stored one-time token or a signed JWT. */
public interface TokenIssuer {
    /** Returns a token for {@code grant}, whose subject is the user; returns immediately. */
    Future<IssuedToken> issue(ExecGrant grant);
}
