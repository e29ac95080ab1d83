package io.execbroker.sample.http;

import io.execbroker.sample.auth.UserAccount;
import io.execbroker.sample.auth.Users;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.HttpException;

import java.util.Arrays;
import java.util.Optional;

/**
 * {@code POST /login}: checks the password on the password worker pool (PBKDF2 is slow on purpose), then puts the
 * user in a session with a new id and a new CSRF token. This is the only place a session is made. A wrong password
 * and an unknown user get the same 401.
 */
final class LoginHandler implements Handler<RoutingContext> {
    static final String REFUSED = "wrong username or password";

    private final Users users;
    private final WorkerExecutor passwordWorker;
    private final CsrfHandler csrf;

    LoginHandler(Users users, WorkerExecutor passwordWorker, CsrfHandler csrf) {
        this.users = users;
        this.passwordWorker = passwordWorker;
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
        passwordWorker.executeBlocking(() -> check(credentials), false)
            .onFailure(ctx::fail)
            .onSuccess(account -> {
                if (account.isEmpty()) {
                    ctx.fail(new HttpException(401, REFUSED));
                    return;
                }
                Session session = ctx.session().regenerateId();
                session.put(SessionKeys.USER, account.get().name());
                ctx.json(new JsonObject().put("user", account.get().name()).put("csrfToken", csrf.renew(ctx, session)));
            });
    }

    private Optional<UserAccount> check(Credentials credentials) {
        try {
            return users.authenticate(credentials.username(), credentials.password());
        } finally {
            Arrays.fill(credentials.password(), '\0');
        }
    }
}
