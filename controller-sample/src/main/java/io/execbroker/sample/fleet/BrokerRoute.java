package io.execbroker.sample.fleet;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One broker of the fleet: its id (the broker's {@code broker.id}, which it sends as {@code X-Exec-Broker-Id} and a
 * JWT's {@code aud} must name), the URL the page connects to, and the containers it serves (those of its Docker
 * host). Immutable.
 *
 * @param id letters, digits, {@code .}, {@code _} and {@code -}, at most 253 characters, like {@code host-a}
 * @param url the broker's {@code ws://} or {@code wss://} exec URL, like {@code wss://host-a.example:8866/exec}
 * @param containers the exact Docker names of the containers it serves; ignored when {@code servesAll}
 * @param servesAll the one-broker case ({@code --broker-url}): it serves every container
 */
public record BrokerRoute(String id, URI url, Set<String> containers, boolean servesAll) {
    /** The broker's own rule for {@code broker.id} (BrokerIdentity). */
    static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    public BrokerRoute {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(url, "url");
        containers = Set.copyOf(containers);
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("broker id " + Shown.of(id) + " (expected: letters, digits, '.', '_'"
                + " or '-', starting with a letter or digit, at most 253 characters, like the broker's broker.id)");
        }
    }

    /**
     * Returns a broker of a fleet, which serves only {@code containers}.
     *
     * @throws IllegalArgumentException for a bad id, or a URL that is not an absolute {@code ws://} or {@code wss://}
     *     one (the one broker of {@code --broker-url} may also be a path on the app's host, as before fleets)
     */
    public static BrokerRoute serving(String id, URI url, List<String> containers) {
        BrokerRoute route = new BrokerRoute(id, url, Set.copyOf(containers), false);
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("ws") && !scheme.equals("wss") || url.getHost() == null) {
            throw new IllegalArgumentException("broker " + id + ": url " + Shown.of(url.toString())
                + " (expected: the ws:// or wss:// exec URL the page connects to, like wss://host-a.example:8866/exec)");
        }
        return route;
    }

    /** Whether this broker serves the container named {@code container} (a leading {@code /} is dropped, as Docker does). */
    public boolean serves(String container) {
        return servesAll || containers.contains(container.startsWith("/") ? container.substring(1) : container);
    }
}
