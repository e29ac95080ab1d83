package io.execbroker.sample.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Lets only the broker through: {@code Authorization: Bearer <broker secret>}, else 401. Compares SHA-256 digests
 * in constant time, so neither the content nor the length of the secret leaks through timing.
 */
final class BrokerSecretHandler implements Handler<RoutingContext> {
    private static final String PREFIX = "Bearer ";

    private final byte[] expectedDigest;

    BrokerSecretHandler(String secret) {
        this.expectedDigest = sha256(secret);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        String sent = header != null && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
            ? header.substring(PREFIX.length()).trim() : "";
        if (!MessageDigest.isEqual(expectedDigest, sha256(sent))) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer");
            ctx.fail(new HttpException(401, "missing or wrong broker secret (expected: Authorization: Bearer <secret>)"));
            return;
        }
        ctx.next();
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
