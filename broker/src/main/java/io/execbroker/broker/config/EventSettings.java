package io.execbroker.broker.config;

/**
 * The watches of Docker events. Immutable.
 *
 * @param path the WebSocket path of watches, like {@code /events}
 * @param maxWatchers watchers at once; past it 503 before the upgrade (DoS protection: each holds a socket and a
 *     queue)
 * @param queueBytes events queued to one watcher; a watcher whose queue fills is closed with 4003 (bounds the
 *     memory a watcher that does not read can hold)
 */
public record EventSettings(String path, int maxWatchers, int queueBytes) {
    public static final EventSettings DEFAULTS = new EventSettings("/events", 1000, 256 * 1024);

    public EventSettings {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("eventsPath: " + path + " (expected: starts with /)");
        }
        if (maxWatchers < 1) {
            throw new IllegalArgumentException("events.maxWatchers: " + maxWatchers + " (expected: >= 1)");
        }
        if (queueBytes < 1024) {
            throw new IllegalArgumentException("events.queueBytes: " + queueBytes + " (expected: >= 1024)");
        }
    }

    public EventSettings withQueueBytes(int bytes) {
        return new EventSettings(path, maxWatchers, bytes);
    }
}
