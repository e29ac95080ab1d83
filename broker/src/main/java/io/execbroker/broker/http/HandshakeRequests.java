package io.execbroker.broker.http;

import io.execbroker.broker.auth.HandshakeRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

import java.util.List;
import java.util.Optional;

/** Turns a Vert.x request into the plain {@link HandshakeRequest} that authorizers see. */
final class HandshakeRequests {
    private static final String BEARER = "Bearer ";

    private HandshakeRequests() {
    }

    static HandshakeRequest from(HttpServerRequest request) {
        List<String> command = request.params().getAll("command");
        String tty = request.getParam("tty");
        return new HandshakeRequest(
            token(request),
            command,
            tty == null ? Optional.empty() : Optional.of(tty.equalsIgnoreCase("true")),
            request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress(),
            Optional.ofNullable(request.getHeader(HttpHeaders.ORIGIN)),
            Optional.ofNullable(request.getHeader(HttpHeaders.USER_AGENT)));
    }

    private static Optional<String> token(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.of(authorization.substring(BEARER.length()).strip());
        }
        return Optional.ofNullable(request.getParam("token"));
    }
}
