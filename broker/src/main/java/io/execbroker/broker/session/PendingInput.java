package io.execbroker.broker.session;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * What a client sent before its process started: stdin and the end of stdin, kept in order and applied once the
 * exec runs (resizes wait in {@link ResizeCoalescer}, which keeps only the latest). Bounded: past {@code maxBytes} of stdin it reports {@link #full()}, and the session stops
 * reading the client's socket until the process starts, so a client that ignores the wait for {@code resume}
 * cannot grow the broker's memory. Not thread safe.
 */
final class PendingInput {
    private sealed interface Item permits Stdin, End { }

    private record Stdin(Buffer data) implements Item { }

    private record End() implements Item { }

    private final int maxBytes;
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private int bytes;

    PendingInput(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    void addStdin(Buffer data) {
        items.add(new Stdin(data));
        bytes += data.length();
    }

    int maxBytes() {
        return maxBytes;
    }

    /** Returns true while more stdin is kept than allowed: stop reading the client. */
    boolean full() {
        return bytes > maxBytes;
    }

    void addEnd() {
        items.add(new End());
    }

    /** Applies everything kept, in order, and empties the queue. */
    void drain(Consumer<Buffer> stdin, Runnable end) {
        Item item;
        while ((item = items.poll()) != null) {
            if (item instanceof Stdin s) {
                stdin.accept(s.data());
            } else {
                end.run();
            }
        }
        bytes = 0;
    }
}
