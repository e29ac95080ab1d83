package io.execbroker.sample.http;

import io.vertx.core.Handler;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.HttpException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * CSRF check on every POST. The page reads a token from {@code GET /api/me} and sends it back in the
 * {@code X-CSRF-Token} header (or a {@code _csrf} form field); a missing or different token is 403.
 *
 * <p>Signed in, it is a synchronizer token kept in the server-side session. Before login there is no session (only
 * a successful login makes one, so anonymous visitors cost no memory), and the token is a double-submit cookie
 * instead: {@code GET /api/me} sets it in the HttpOnly, SameSite=Strict {@link #LOGIN_COOKIE}, and a POST must carry
 * the same value, which another site can neither read nor set. Chosen over Vert.x Web's {@code CSRFHandler}: no
 * signing secret to configure, one comparison. SameSite=Strict is the first line; this is the second.
 */
final class CsrfHandler implements Handler<RoutingContext> {
    static final String HEADER = "X-CSRF-Token";
    static final String FORM_FIELD = "_csrf";
    /** The cookie holding the token of a visitor not signed in. */
    static final String LOGIN_COOKIE = "sample.csrf";
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final SecureRandom random;
    private final boolean secureCookie;

    CsrfHandler(SecureRandom random, boolean secureCookie) {
        this.random = random;
        this.secureCookie = secureCookie;
    }

    /**
     * Returns the token the page must send: the signed-in session's, or else the login cookie's, setting that
     * cookie on the response when the request has none. Never creates a session.
     */
    String tokenFor(RoutingContext ctx) {
        Optional<Session> session = SignedInSession.of(ctx);
        if (session.isPresent()) {
            return session.get().get(SessionKeys.CSRF);
        }
        String token = loginToken(ctx);
        if (token == null) {
            token = newToken();
            ctx.response().addCookie(Cookie.cookie(LOGIN_COOKIE, token).setPath("/").setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(secureCookie));
        }
        return token;
    }

    /** Gives the session of a new login its own token (the login cookie's is dropped) and returns it. */
    String renew(RoutingContext ctx, Session session) {
        String token = newToken();
        session.put(SessionKeys.CSRF, token);
        if (ctx.request().getCookie(LOGIN_COOKIE) != null) {
            ctx.response().addCookie(Cookie.cookie(LOGIN_COOKIE, "").setPath("/").setMaxAge(0).setHttpOnly(true)
                .setSameSite(CookieSameSite.STRICT).setSecure(secureCookie));
        }
        return token;
    }

    @Override
    public void handle(RoutingContext ctx) {
        Optional<Session> session = SignedInSession.of(ctx);
        String expected = session.isPresent() ? session.get().get(SessionKeys.CSRF) : loginToken(ctx);
        String sent = ctx.request().getHeader(HEADER);
        if (sent == null) {
            sent = ctx.request().getFormAttribute(FORM_FIELD);
        }
        if (expected == null || sent == null || !MessageDigest.isEqual(
            expected.getBytes(StandardCharsets.UTF_8), sent.getBytes(StandardCharsets.UTF_8))) {
            ctx.fail(new HttpException(403, "missing or wrong CSRF token (expected: the csrfToken of GET /api/me in "
                + HEADER + ")"));
            return;
        }
        ctx.next();
    }

    /** Returns the login cookie's token if the request has a well-formed one. */
    private static String loginToken(RoutingContext ctx) {
        Cookie cookie = ctx.request().getCookie(LOGIN_COOKIE);
        return cookie != null && TOKEN.matcher(cookie.getValue()).matches() ? cookie.getValue() : null;
    }

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
