package io.execbroker.sample.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.HttpException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * CSRF check by the synchronizer-token pattern: a random token lives in the server-side session, the page reads it
 * from {@code GET /api/me} and sends it back in the {@code X-CSRF-Token} header (or a {@code _csrf} form field) on
 * every POST. A missing or different token is 403. Chosen over Vert.x Web's {@code CSRFHandler} because the session
 * already exists: no second cookie, no signing secret to configure, one comparison. The session cookie's
 * {@code SameSite=Strict} is the first line; this is the second.
 */
final class CsrfHandler implements Handler<RoutingContext> {
    static final String HEADER = "X-CSRF-Token";
    static final String FORM_FIELD = "_csrf";

    private final SecureRandom random;

    CsrfHandler(SecureRandom random) {
        this.random = random;
    }

    /** Returns the session's CSRF token, creating it on first use. */
    String tokenFor(Session session) {
        String token = session.get(SessionKeys.CSRF);
        if (token == null) {
            token = newToken();
            session.put(SessionKeys.CSRF, token);
        }
        return token;
    }

    /** Replaces the session's CSRF token (at login, with the session id) and returns the new one. */
    String renew(Session session) {
        String token = newToken();
        session.put(SessionKeys.CSRF, token);
        return token;
    }

    @Override
    public void handle(RoutingContext ctx) {
        String expected = ctx.session() == null ? null : ctx.session().get(SessionKeys.CSRF);
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

    private String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
