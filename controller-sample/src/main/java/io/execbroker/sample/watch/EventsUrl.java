package io.execbroker.sample.watch;

import java.net.URI;

/**
 * The broker's events URL, told to the page: the configured broker URL with its last path segment replaced by
 * {@code events} and no query, so {@code ws://127.0.0.1:8866/exec} gives {@code ws://127.0.0.1:8866/events}, a broker
 * behind a prefix, {@code wss://app.example/broker/exec}, gives {@code wss://app.example/broker/events}, and a path on
 * the app's host, {@code /exec}, gives {@code /events} (the page resolves it as it does the exec URL).
 */
public final class EventsUrl {
    /** The last path segment of the broker's default events path ({@code eventsPath}, {@code /events}). */
    public static final String SEGMENT = "events";

    private EventsUrl() {
    }

    public static URI of(URI brokerUrl) {
        String path = brokerUrl.getRawPath() == null ? "" : brokerUrl.getRawPath();
        int slash = path.lastIndexOf('/');
        String eventsPath = (slash < 0 ? "" : path.substring(0, slash)) + "/" + SEGMENT;
        String origin = brokerUrl.getScheme() == null || brokerUrl.getRawAuthority() == null ? ""
            : brokerUrl.getScheme() + "://" + brokerUrl.getRawAuthority();
        return URI.create(origin + eventsPath);
    }
}
