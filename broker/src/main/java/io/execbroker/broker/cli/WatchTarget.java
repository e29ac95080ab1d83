package io.execbroker.broker.cli;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the {@code events} command watches: the broker's events URL and the query it adds to it, {@code filter=}
 * (repeatable, URL-encoded), {@code since=} and {@code until=}, passed through as the user wrote them for the
 * broker to check. Immutable.
 *
 * @param url the broker's events URL, like {@code ws://127.0.0.1:8866/events}; a query it has is kept
 * @param filters the filters, like {@code container=web-1,event=start}
 * @param since the user's {@code since}, used until an event has been received
 * @param until the user's {@code until}, sent on every connection
 */
record WatchTarget(URI url, List<String> filters, Optional<String> since, Optional<String> until) {
    WatchTarget {
        Objects.requireNonNull(url, "url");
        filters = List.copyOf(filters);
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
    }

    /** Returns the URL to connect to, with {@code since} as given (empty: none). */
    URI uri(Optional<String> sinceNow) {
        StringBuilder query = new StringBuilder();
        for (String filter : filters) {
            add(query, "filter", filter);
        }
        sinceNow.ifPresent(value -> add(query, "since", value));
        until.ifPresent(value -> add(query, "until", value));
        if (query.length() == 0) {
            return url;
        }
        String base = url.toString();
        return URI.create(base + (url.getRawQuery() == null ? "?" : "&") + query);
    }

    private static void add(StringBuilder query, String name, String value) {
        query.append(query.length() == 0 ? "" : "&").append(name).append('=')
            .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
    }
}
