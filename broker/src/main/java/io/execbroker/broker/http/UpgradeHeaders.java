package io.execbroker.broker.http;

import io.execbroker.broker.auth.AuthorizationException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

import java.util.Base64;
import java.util.Optional;

/**
 * The RFC 6455 §4.2.1 checks of an upgrade request that Vert.x makes only when the request is upgraded, which the
 * broker does after the authorizer and the policy: HTTP/1.1, {@code Connection: Upgrade},
 * {@code Sec-WebSocket-Version: 13} and a {@code Sec-WebSocket-Key} of 16 bytes in base64. Made first, they keep a
 * request that can never become a WebSocket from reaching the authorizer (a controller's one-time token would be
 * spent on it) and from starting a process (Vert.x took any key). The client's values are never echoed.
 */
final class UpgradeHeaders {
    /** The one WebSocket version there is; a 426 names it in {@code Sec-WebSocket-Version}. */
    static final String VERSION = "13";
    /** The header that names the version, in a request and in a 426. */
    static final String VERSION_HEADER = "Sec-WebSocket-Version";
    private static final String KEY_HEADER = "Sec-WebSocket-Key";
    /** Bytes of a {@code Sec-WebSocket-Key} nonce, before base64. */
    private static final int KEY_BYTES = 16;

    private UpgradeHeaders() {
    }

    /** Returns why {@code request} cannot be upgraded, as a status (400, or 426 for the version), if it cannot. */
    static Optional<AuthorizationException> problem(HttpServerRequest request) {
        if (request.version() != HttpVersion.HTTP_1_1) {
            return refuse(400, "expected HTTP/1.1 for a WebSocket upgrade");
        }
        String connection = request.getHeader(HttpHeaders.CONNECTION);
        if (connection == null || !hasToken(connection, "upgrade")) {
            return refuse(400, "expected Connection: Upgrade");
        }
        if (!VERSION.equals(request.getHeader(VERSION_HEADER))) {
            return refuse(426, "unsupported Sec-WebSocket-Version (expected: " + VERSION + ")");
        }
        String key = request.getHeader(KEY_HEADER);
        if (key == null) {
            return refuse(400, "missing Sec-WebSocket-Key");
        }
        if (!isNonce(key.strip())) {
            return refuse(400, "Sec-WebSocket-Key is not " + KEY_BYTES + " bytes in base64");
        }
        return Optional.empty();
    }

    private static boolean hasToken(String header, String token) {
        for (String part : header.split(",")) {
            if (part.strip().equalsIgnoreCase(token)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isNonce(String key) {
        try {
            return key.length() == 24 && Base64.getDecoder().decode(key).length == KEY_BYTES;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Optional<AuthorizationException> refuse(int status, String message) {
        return Optional.of(new AuthorizationException(status, message));
    }
}
