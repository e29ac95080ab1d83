package io.execbroker.sample.token;

import java.time.Duration;
import java.util.Objects;

/**
 * A token handed to the page, to pass to the broker in the WebSocket subprotocol.
 *
 * @param token the opaque one-time token or the JWT
 * @param expiresIn how long it stays valid
 */
public record IssuedToken(String token, Duration expiresIn) {
    public IssuedToken {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(expiresIn, "expiresIn");
    }
}
