package io.execbroker.broker.http;

import io.execbroker.broker.auth.HandshakeRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Optional;

/** Turns a Vert.x request into the plain {@link HandshakeRequest} that authorizers see. */
final class HandshakeRequests {
    private HandshakeRequests() {
    }

    /** @throws io.execbroker.broker.auth.AuthorizationException 400 for malformed token subprotocols */
    static HandshakeRequest from(HttpServerRequest request, TokenExtractor tokens, String ip, Optional<String> origin,
                                 HandshakeRequest.Purpose purpose) {
        // A watch asks for no command: what it sees is the grant's scope and its own filters.
        boolean exec = purpose == HandshakeRequest.Purpose.EXEC;
        List<String> command = exec ? request.params().getAll("command") : List.of();
        String tty = exec ? request.getParam("tty") : null;
        Optional<String> token = tokens.extract(request.getHeader(HttpHeaders.AUTHORIZATION),
            TokenExtractor.splitSubprotocols(request.getHeader("Sec-WebSocket-Protocol")), request.getParam("token"));
        return new HandshakeRequest(token, command,
            tty == null ? Optional.empty() : Optional.of(tty.equalsIgnoreCase("true")),
            ip, origin, Optional.ofNullable(request.getHeader(HttpHeaders.USER_AGENT)), purpose);
    }
}
