package io.execbroker.broker.config;

/**
 * The watches of Docker events. Immutable.
 *
 * @param path the WebSocket path of watches, like {@code /events}
 * @param maxWatchers watchers at once; past it 503 before the upgrade (DoS protection: each holds a socket and a
 *     queue)
 * @param queueBytes events queued to one watcher; a watcher whose queue fills is closed with 4003 (bounds the
 *     memory a watcher that does not read can hold)
 * @param maxWatchersPerSubject watches one subject may hold at once; past it 429 (one user cannot take every place)
 */
public record EventSettings(String path, int maxWatchers, int queueBytes, int maxWatchersPerSubject) {
    public static final EventSettings DEFAULTS = new EventSettings("/events", 1000, 256 * 1024, 10);

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
        if (maxWatchersPerSubject < 1) {
            throw new IllegalArgumentException("events.maxWatchersPerSubject: " + maxWatchersPerSubject
                + " (expected: >= 1)");
        }
    }

    public EventSettings withQueueBytes(int bytes) {
        return new EventSettings(path, maxWatchers, bytes, maxWatchersPerSubject);
    }

    public EventSettings withMaxWatchers(int max) {
        return new EventSettings(path, max, queueBytes, maxWatchersPerSubject);
    }

    public EventSettings withMaxWatchersPerSubject(int max) {
        return new EventSettings(path, maxWatchers, queueBytes, max);
    }
}
