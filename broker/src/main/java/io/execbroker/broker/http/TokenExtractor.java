package io.execbroker.broker.http;

import io.execbroker.broker.auth.AuthorizationException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Finds the client's token, first found wins (DESIGN.md §4): the {@code Authorization: Bearer} header; the
 * subprotocol {@code base64url.bearer.exec-broker.<base64url(token)>} (browsers can set subprotocols, not headers);
 * the query parameter {@code token}, unless turned off. Pure and thread safe.
 */
public final class TokenExtractor {
    /** Prefix of the subprotocol that carries a token; the broker never echoes it back. */
    public static final String TOKEN_SUBPROTOCOL_PREFIX = "base64url.bearer.exec-broker.";
    /** The protocol subprotocol a client must offer next to a token subprotocol. */
    public static final String V1 = "exec-broker.v1";
    private static final String BEARER = "Bearer ";

    private final boolean queryTokenAllowed;

    public TokenExtractor(boolean queryTokenAllowed) {
        this.queryTokenAllowed = queryTokenAllowed;
    }

    /**
     * Returns the token, if the client sent one.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param offeredSubprotocols the subprotocols the client offered, in order
     * @param queryToken the {@code token} query parameter, or null
     * @throws AuthorizationException 400 for two token subprotocols, a token subprotocol that is not base64url,
     *     or a token subprotocol offered without {@code exec-broker.v1} (the broker cannot echo the token, and a
     *     browser fails a handshake whose offered subprotocols get no answer)
     */
    public Optional<String> extract(String authorization, List<String> offeredSubprotocols, String queryToken) {
        Optional<String> fromSubprotocol = fromSubprotocols(offeredSubprotocols);
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = authorization.substring(BEARER.length()).strip();
            if (!token.isEmpty()) {
                return Optional.of(token);
            }
        }
        if (fromSubprotocol.isPresent()) {
            return fromSubprotocol;
        }
        if (queryTokenAllowed && queryToken != null && !queryToken.isEmpty()) {
            return Optional.of(queryToken);
        }
        return Optional.empty();
    }

    private static Optional<String> fromSubprotocols(List<String> offered) {
        List<String> tokens = offered.stream().filter(p -> p.startsWith(TOKEN_SUBPROTOCOL_PREFIX)).toList();
        if (tokens.isEmpty()) {
            return Optional.empty();
        }
        if (tokens.size() > 1) {
            throw new AuthorizationException(400, "more than one token subprotocol offered");
        }
        if (!offered.contains(V1)) {
            throw new AuthorizationException(400, "a token subprotocol must be offered together with " + V1);
        }
        String encoded = tokens.get(0).substring(TOKEN_SUBPROTOCOL_PREFIX.length());
        try {
            String token = new String(Base64.getUrlDecoder().decode(encoded), StandardCharsets.UTF_8);
            if (token.isEmpty()) {
                throw new AuthorizationException(400, "the token subprotocol carries an empty token");
            }
            return Optional.of(token);
        } catch (IllegalArgumentException e) {
            throw new AuthorizationException(400, "the token subprotocol is not base64url");
        }
    }

    /** Splits a {@code Sec-WebSocket-Protocol} header, like {@code "a, b"}, into its values. */
    public static List<String> splitSubprotocols(String header) {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        return java.util.Arrays.stream(header.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
