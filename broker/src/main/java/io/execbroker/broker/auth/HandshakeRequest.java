package io.execbroker.broker.auth;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an authorizer may know of a WebSocket handshake, with no Vert.x types, so that authorizers and policy are
 * plain classes.
 *
 * @param token the bearer token, if the client sent one
 * @param requestedCommand the argv the client asked for ({@code ?command=a&command=b}); a request, never an order
 * @param requestedTty the tty the client asked for ({@code ?tty=true}), if it did
 * @param remoteAddress the client's address, like {@code 127.0.0.1}
 * @param origin the {@code Origin} header, if the client is a browser
 * @param userAgent the {@code User-Agent} header, if any
 * @param purpose what the handshake asks for: an exec session or a watch of Docker events
 */
public record HandshakeRequest(
        Optional<String> token,
        List<String> requestedCommand,
        Optional<Boolean> requestedTty,
        String remoteAddress,
        Optional<String> origin,
        Optional<String> userAgent,
        Purpose purpose) {

    /** What a handshake asks for; the controller is told with {@code purpose=events} for a watch only. */
    public enum Purpose {
        /** An exec session ({@code /exec}): the grant is an {@code ExecGrant}. */
        EXEC,
        /** A watch of Docker events ({@code /events}): the grant is a {@code WatchGrant}. */
        EVENTS
    }

    /** A request for an exec session. */
    public HandshakeRequest(Optional<String> token, List<String> requestedCommand, Optional<Boolean> requestedTty,
                            String remoteAddress, Optional<String> origin, Optional<String> userAgent) {
        this(token, requestedCommand, requestedTty, remoteAddress, origin, userAgent, Purpose.EXEC);
    }

    public HandshakeRequest {
        Objects.requireNonNull(token, "token");
        requestedCommand = List.copyOf(requestedCommand);
        Objects.requireNonNull(requestedTty, "requestedTty");
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(userAgent, "userAgent");
        Objects.requireNonNull(purpose, "purpose");
    }

    /** Never shows the token. */
    @Override
    public String toString() {
        return "HandshakeRequest[token=" + (token.isPresent() ? "(set)" : "(none)") + ", requestedCommand="
            + requestedCommand + ", requestedTty=" + requestedTty + ", remoteAddress=" + remoteAddress
            + ", origin=" + origin + ", purpose=" + purpose + "]";
    }
}
