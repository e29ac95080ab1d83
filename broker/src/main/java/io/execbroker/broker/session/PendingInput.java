package io.execbroker.broker.session;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * What a client sent before its process started: stdin, resizes and the end of stdin, kept in order and applied
 * once the exec runs. Bounded: past {@code maxBytes} of stdin the broker stops reading the client's socket until
 * the process starts, so a client that ignores the wait for {@code resume} cannot grow the broker's memory.
 * Not thread safe.
 */
final class PendingInput {
    private sealed interface Item permits Stdin, Resize, End { }

    private record Stdin(Buffer data) implements Item { }

    private record Resize(int rows, int cols) implements Item { }

    private record End() implements Item { }

    /** Applies a resize. */
    @FunctionalInterface
    interface ResizeAction {
        void resize(int rows, int cols);
    }

    private final int maxBytes;
    private final ServerWebSocket ws;
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private int bytes;
    private boolean pausedClient;

    PendingInput(int maxBytes, ServerWebSocket ws) {
        this.maxBytes = maxBytes;
        this.ws = ws;
    }

    void addStdin(Buffer data) {
        items.add(new Stdin(data));
        bytes += data.length();
        if (bytes > maxBytes && !pausedClient) {
            pausedClient = true;
            ws.pause();
        }
    }

    void addResize(int rows, int cols) {
        items.add(new Resize(rows, cols));
    }

    void addEnd() {
        items.add(new End());
    }

    /** Applies everything kept, in order, then reads the client again. */
    void drain(Consumer<Buffer> stdin, ResizeAction resize, Runnable end) {
        Item item;
        while ((item = items.poll()) != null) {
            if (item instanceof Stdin s) {
                stdin.accept(s.data());
            } else if (item instanceof Resize r) {
                resize.resize(r.rows(), r.cols());
            } else {
                end.run();
            }
        }
        bytes = 0;
        if (pausedClient) {
            pausedClient = false;
            ws.resume();
        }
    }
}
