package io.execbroker.broker.session;

import io.vertx.core.http.ServerWebSocket;

import java.util.ArrayList;
import java.util.List;

/**
 * The one drain handler of a session's WebSocket, shared by all that write to it: the process's output and the
 * session's own replies each wait for the write queue to drain, and a WebSocket holds only one drain handler.
 * Each waiter registers once when it finds the queue full, so at most one per writer waits. Not thread safe.
 */
final class WriteDrain {
    private final ServerWebSocket ws;
    private final List<Runnable> waiting = new ArrayList<>(2);

    WriteDrain(ServerWebSocket ws) {
        this.ws = ws;
        ws.drainHandler(v -> drained());
    }

    /** Returns true while the WebSocket's write queue is over its bound: writers should wait for {@link #once}. */
    boolean full() {
        return ws.writeQueueFull();
    }

    /** Runs {@code action} once, the next time the write queue drains. */
    void once(Runnable action) {
        waiting.add(action);
    }

    private void drained() {
        List<Runnable> run = List.copyOf(waiting);
        waiting.clear();
        run.forEach(Runnable::run);
    }
}
