package io.execbroker.broker.http;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The browser check: a request that carries {@code Origin} comes from a browser page, and only pages of the
 * allowed origins may open sessions, whatever their token (a token stolen into a foreign page must not work).
 * Origins are compared exactly (scheme, host, port), case-insensitively; {@code *} allows any, and only when
 * configured explicitly. A request without {@code Origin} is not a browser's and passes this check (it still
 * needs a token). Immutable.
 */
public final class OriginCheck {
    private final Set<String> allowed;
    private final boolean any;

    public OriginCheck(Set<String> allowedOrigins) {
        this.any = allowedOrigins.contains("*");
        this.allowed = allowedOrigins.stream().map(OriginCheck::normalize).collect(Collectors.toUnmodifiableSet());
    }

    /** Returns true if a request with this {@code Origin} header (or none) may go on. */
    public boolean allows(Optional<String> origin) {
        if (origin.isEmpty()) {
            return true;
        }
        return any || allowed.contains(normalize(origin.get()));
    }

    private static String normalize(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
