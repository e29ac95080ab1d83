package io.execbroker.broker.cli;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Opens one watch connection: the seam between {@link EventsWatch}'s reconnect logic and the WebSocket. */
interface WatchConnector {
    /**
     * Opens a watch of {@code uri}; returns immediately. The future fails with a {@link WatchRefusedException} when
     * the broker answers the upgrade with an HTTP status, or with another exception when it cannot be reached.
     *
     * @param onEvent gets each event's text as received, in order, from one thread at a time
     */
    CompletableFuture<Connection> open(URI uri, Consumer<String> onEvent);

    /** One open watch. */
    interface Connection {
        /**
         * Completes with the broker's close, after every event before it went to {@code onEvent}; fails when the
         * connection was lost without one.
         */
        CompletableFuture<Closure> closed();

        /** Closes with 1000; returns immediately. */
        void close();
    }

    /** The close the broker sent: {@code code}, like 4003, and its reason. */
    record Closure(int code, String reason) {
    }

    /** The broker refused the upgrade with {@code status} and its error text (the body's {@code error}, or the body). */
    final class WatchRefusedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final int status;

        WatchRefusedException(int status, String error) {
            super(error);
            this.status = status;
        }

        /** Returns the HTTP status, like {@code 401}. */
        int status() {
            return status;
        }
    }
}
