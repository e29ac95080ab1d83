package io.execbroker.sample.http;

import io.execbroker.sample.auth.LoginThrottle;
import io.execbroker.sample.auth.Users;
import io.execbroker.sample.fleet.BrokerBinding;
import io.execbroker.sample.fleet.Brokers;
import io.execbroker.sample.token.JdbcTokenStore;
import io.execbroker.sample.token.RsaSigningKey;
import io.execbroker.sample.token.TokenIssuer;
import io.vertx.core.Vertx;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.SessionHandler;
import io.vertx.ext.web.handler.StaticHandler;
import io.vertx.ext.web.sstore.SessionStore;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;

/**
 * The app's routes. Machine endpoints ({@code /controller}, {@code /.well-known/jwks.json}) come first and get no
 * session; everything else may have one, made only by a successful login (cookie HttpOnly, SameSite=Strict, Secure
 * with TLS), and CSRF on POSTs.
 * Static files come from {@code webroot/} on the class path.
 */
public final class SampleRouter {
    /** Largest request body read (DoS protection: logins and token requests are tiny). */
    public static final long MAX_BODY_BYTES = 16 * 1024;
    public static final String SESSION_COOKIE = "sample.session";

    /**
     * The parts the routes need.
     *
     * @param tokenStore set in token mode: enables {@code /controller}
     * @param brokerSecret set in token mode
     * @param signingKey set in JWT mode: enables the JWKS
     * @param passwordWorker where password checks run, with a bounded queue
     * @param loginThrottle the login limits, asked before each password check
     * @param sessionStore where signed-in sessions live (the router stores no other)
     * @param brokers the broker or fleet tokens are for, and which serves which container
     */
    public record Parts(Users users, TokenIssuer issuer, Optional<JdbcTokenStore> tokenStore,
                        Optional<String> brokerSecret, Optional<RsaSigningKey> signingKey, BoundedWorker passwordWorker,
                        LoginThrottle loginThrottle, SessionStore sessionStore, Brokers brokers, boolean secureCookie,
                        Clock clock) {
    }

    private SampleRouter() {
    }

    public static Router create(Vertx vertx, Parts parts) {
        Router router = Router.router(vertx);
        router.route().failureHandler(new FailureHandler());
        parts.tokenStore().ifPresent(store -> router.get("/controller")
            .handler(new BrokerSecretHandler(parts.brokerSecret().orElseThrow()))
            .handler(new ControllerHandler(store, new BrokerBinding(parts.brokers()), parts.clock())));
        parts.signingKey().ifPresent(key -> router.get("/.well-known/jwks.json").handler(ctx -> ctx.response()
            .putHeader("Content-Type", "application/json").putHeader("Cache-Control", "max-age=300")
            .end(key.jwksJson())));

        CsrfHandler csrf = new CsrfHandler(new SecureRandom(), parts.secureCookie());
        // Lazy, over a store that keeps signed-in sessions only: an anonymous request stores nothing and gets no
        // session cookie, so visitors cannot fill the server's memory.
        router.route().handler(SessionHandler.create(new SignedInSessionStore(parts.sessionStore()))
            .setLazySession(true)
            .setSessionCookieName(SESSION_COOKIE)
            .setCookieHttpOnlyFlag(true)
            .setCookieSameSite(CookieSameSite.STRICT)
            .setCookieSecureFlag(parts.secureCookie()));
        router.route().method(HttpMethod.POST).handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES))
            .handler(csrf);
        router.post("/login").handler(new LoginHandler(parts.users(), parts.passwordWorker(), parts.loginThrottle(),
            csrf));
        router.post("/logout").handler(new LogoutHandler());
        router.get("/api/me").handler(new MeHandler(parts.users(), csrf, parts.brokers()));
        router.post("/api/tokens").handler(new TokenRequestHandler(parts.users(), parts.issuer(), parts.brokers()));
        // The browser client from the protocol jar and the xterm.js WebJars, both under META-INF/resources
        // (a StaticHandler on a /prefix/* route looks up the path after the prefix).
        router.route("/exec-broker/*").handler(StaticHandler.create("META-INF/resources/exec-broker"));
        router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
        router.route("/*").handler(StaticHandler.create("webroot"));
        return router;
    }
}
