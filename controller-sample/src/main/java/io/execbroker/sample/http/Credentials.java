package io.execbroker.sample.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

/**
 * Username and password of a login request, from a JSON body or a form.
 *
 * @param username as typed
 * @param password as typed; kept as chars so the hash check can clear them
 */
record Credentials(String username, char[] password) {
    /** Longest username or password read (DoS protection: PBKDF2 time grows with the password's length). */
    static final int MAX_CHARS = 1024;

    /** @throws HttpException 400 naming the missing or too long field */
    static Credentials from(RoutingContext ctx) {
        String contentType = ctx.request().getHeader("Content-Type");
        String username;
        String password;
        if (contentType != null && contentType.startsWith("application/json")) {
            JsonObject body;
            try {
                body = ctx.body().asJsonObject();
            } catch (DecodeException | ClassCastException e) {
                throw new HttpException(400, "body: not a JSON object (expected: {\"username\", \"password\"})");
            }
            username = body == null ? null : stringOrNull(body, "username");
            password = body == null ? null : stringOrNull(body, "password");
        } else {
            username = ctx.request().getFormAttribute("username");
            password = ctx.request().getFormAttribute("password");
        }
        check("username", username);
        check("password", password);
        return new Credentials(username, password.toCharArray());
    }

    private static String stringOrNull(JsonObject body, String field) {
        Object value = body.getValue(field);
        return value instanceof String s ? s : null;
    }

    private static void check(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new HttpException(400, field + ": missing (expected: a non-empty string)");
        }
        if (value.length() > MAX_CHARS) {
            throw new HttpException(400, field + ": " + value.length() + " chars (expected: <= " + MAX_CHARS + ")");
        }
    }
}
