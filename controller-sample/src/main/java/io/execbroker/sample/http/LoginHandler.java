package io.execbroker.sample.http;

import io.execbroker.sample.auth.LoginThrottle;
import io.execbroker.sample.auth.UserAccount;
import io.execbroker.sample.auth.Users;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.HttpException;

import java.util.Arrays;
import java.util.Optional;

/**
 * {@code POST /login}: asks the {@link LoginThrottle} first (429 with {@code Retry-After} past a limit, without
 * hashing), then checks the password on the password worker pool (PBKDF2 is slow on purpose; 503 with
 * {@code Retry-After} when too many checks already wait there), then puts the user in
 * a session with a new id and a new CSRF token. This is the only place a session is made. A wrong password and an
 * unknown user get the same 401.
 */
final class LoginHandler implements Handler<RoutingContext> {
    static final String REFUSED = "wrong username or password";

    private final Users users;
    private final BoundedWorker passwordWorker;
    private final LoginThrottle throttle;
    private final CsrfHandler csrf;

    LoginHandler(Users users, BoundedWorker passwordWorker, LoginThrottle throttle, CsrfHandler csrf) {
        this.users = users;
        this.passwordWorker = passwordWorker;
        this.throttle = throttle;
        this.csrf = csrf;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Credentials credentials;
        try {
            credentials = Credentials.from(ctx);
        } catch (HttpException e) {
            ctx.fail(e);
            return;
        }
        String address = address(ctx);
        String name = credentials.username();
        Optional<LoginThrottle.Refusal> refusal = throttle.admit(address, name);
        if (refusal.isPresent()) {
            Arrays.fill(credentials.password(), '\0');
            ctx.fail(new RetryLaterException(429, refusal.get().reason(), refusal.get().retryAfter()));
            return;
        }
        passwordWorker.submit(() -> check(credentials))
            .onFailure(ctx::fail)
            .onSuccess(account -> {
                if (account.isEmpty()) {
                    throttle.failed(name);
                    ctx.fail(new HttpException(401, REFUSED));
                    return;
                }
                throttle.succeeded(address, name);
                Session session = ctx.session().regenerateId();
                session.put(SessionKeys.USER, account.get().name());
                ctx.json(new JsonObject().put("user", account.get().name())
                    .put("csrfToken", csrf.renew(ctx, session)));
            });
    }

    /** Returns the client's IP address (the proxy's, behind one: see README). */
    private static String address(RoutingContext ctx) {
        SocketAddress remote = ctx.request().remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        return host == null ? "unknown" : host;
    }

    private Optional<UserAccount> check(Credentials credentials) {
        try {
            return users.authenticate(credentials.username(), credentials.password());
        } finally {
            Arrays.fill(credentials.password(), '\0');
        }
    }
}
