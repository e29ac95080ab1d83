package io.execbroker.broker.testing;

import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.protocol.grant.EventScope;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The authorizer of the events tests: each known token is a watch grant, or a refusal with a status; any other
 * token is 401. Exec is refused with 403 unless {@link #execs} says how to grant it. Not thread safe while being
 * set up; read only afterwards.
 */
public final class WatchTokens implements Authorizer {
    private final Map<String, Future<WatchGrant>> watches = new HashMap<>();
    private Function<HandshakeRequest, ExecGrant> execs;

    /** A watch grant for {@code subject} of container events of {@code container} carrying label {@code label}. */
    public static WatchGrant grant(String subject, String container, String label) {
        return new WatchGrant(Optional.of(subject), new EventScope(List.of(container),
            label == null ? List.of() : List.of(label), Set.of(EventScope.CONTAINER)));
    }

    public WatchTokens watch(String token, WatchGrant grant) {
        watches.put(token, Future.succeededFuture(grant));
        return this;
    }

    public WatchTokens refuse(String token, int status, String message) {
        watches.put(token, Future.failedFuture(new AuthorizationException(status, message)));
        return this;
    }

    /** Grants every exec request with what {@code grant} makes of it. */
    public WatchTokens execs(Function<HandshakeRequest, ExecGrant> grant) {
        this.execs = grant;
        return this;
    }

    @Override
    public Future<ExecGrant> authorize(HandshakeRequest request) {
        return execs == null ? Future.failedFuture(new AuthorizationException(403, "no exec here"))
            : Future.succeededFuture(execs.apply(request));
    }

    @Override
    public Future<WatchGrant> authorizeWatch(HandshakeRequest request) {
        return watches.getOrDefault(request.token().orElse(""),
            Future.failedFuture(new AuthorizationException(401, "bad token")));
    }
}
