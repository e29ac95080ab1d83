package io.execbroker.broker.session;

import io.vertx.core.Future;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Passes a session's resizes to Docker with at most one call in flight, keeping only the latest size meanwhile.
 * A terminal only ever needs its last size, and each call takes a thread of the docker worker pool that all
 * sessions share: queueing every resize would let one client that sends many (a window being dragged, or a
 * hostile loop) hold the pool and the broker's memory, and would apply sizes out of order. Sizes given before
 * {@link #start} are held the same way, and the latest is sent once the process runs.
 * Not thread safe: call it, and complete the calls' futures, on the session's event loop.
 */
final class ResizeCoalescer {
    /** Resizes the terminal; the future completes once Docker answered. */
    @FunctionalInterface
    interface Resizer {
        Future<Void> resize(int rows, int cols);
    }

    private final Consumer<Throwable> onFailure;
    private Resizer resizer;
    private boolean inFlight;
    private boolean waiting;
    private int waitingRows;
    private int waitingCols;

    /** {@code onFailure} hears of each call that failed; the next size is sent all the same. */
    ResizeCoalescer(Consumer<Throwable> onFailure) {
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
    }

    /** The process runs: sends the size given last before, if any, and every later one through {@code to}. */
    void start(Resizer to) {
        resizer = Objects.requireNonNull(to, "to");
        sendWaiting();
    }

    /** Asks for the terminal to be {@code rows} x {@code cols}. Returns immediately. */
    void resize(int rows, int cols) {
        waiting = true;
        waitingRows = rows;
        waitingCols = cols;
        if (resizer != null && !inFlight) {
            sendWaiting();
        }
    }

    private void sendWaiting() {
        if (!waiting) {
            return;
        }
        waiting = false;
        inFlight = true;
        resizer.resize(waitingRows, waitingCols).onComplete(done -> {
            inFlight = false;
            if (done.failed()) {
                onFailure.accept(done.cause());
            }
            sendWaiting();
        });
    }
}
