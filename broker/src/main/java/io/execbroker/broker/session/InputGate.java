package io.execbroker.broker.session;

import io.execbroker.broker.docker.DockerErrors;
import io.execbroker.broker.docker.ExecHandle;
import io.execbroker.protocol.frame.Frame;
import io.execbroker.protocol.frame.FrameType;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves what the client sends (stdin, resize, end) to the process. Before the process runs it keeps them, in
 * order and bounded (of the resizes only the latest); afterwards it writes stdin with backpressure: when Docker's
 * stdin backs up it tells the client {@code pause} and stops reading the client's socket, then {@code resume} once
 * it drains. Resizes go through a {@link ResizeCoalescer}: one Docker call at a time. Not thread safe.
 */
final class InputGate {
    private static final Logger LOG = LoggerFactory.getLogger(InputGate.class);
    /** The default VEOF character of a terminal (Ctrl-D). */
    private static final byte TTY_EOF = 0x04;

    private final ServerWebSocket ws;
    private final boolean tty;
    private final PendingInput pending;
    private final ResizeCoalescer resizes;
    private final Consumer<Frame> send;
    private ExecHandle handle;
    private boolean processGone;
    private boolean stdinEnded;
    private boolean stdinBackedUp;
    private boolean repliesBackedUp;
    private boolean readingClient = true;
    private long bytesIn;

    InputGate(ServerWebSocket ws, boolean tty, int pendingStdinBytes, Consumer<Frame> send) {
        this.ws = ws;
        this.tty = tty;
        this.pending = new PendingInput(pendingStdinBytes);
        this.send = send;
        this.resizes = new ResizeCoalescer(e -> {
            if (!processGone) {
                send.accept(Frame.error("resize failed: " + DockerErrors.describe(e)));
            }
        });
    }

    /** The process runs: apply the latest size and what was kept, then pass input straight through. */
    void attach(ExecHandle started) {
        handle = started;
        handle.stream().setWriteQueueMaxSize(Math.max(64 * 1024, pending.maxBytes()));
        resizes.start(handle::resize);
        pending.drain(this::writeStdin, this::endStdin);
        updateClientReading();
    }

    /** The process's output ended: stdin from now on has nowhere to go and is dropped. */
    void processGone() {
        processGone = true;
    }

    /** Returns the stdin bytes taken from the client. */
    long bytesIn() {
        return bytesIn;
    }

    void onStdin(Buffer data) {
        bytesIn += data.length();
        if (stdinEnded) {
            send.accept(Frame.error("stdin after end is ignored"));
        } else if (processGone) {
            return;
        } else if (handle != null) {
            writeStdin(data);
        } else {
            pending.addStdin(data);
            updateClientReading();
        }
    }

    void onResize(int rows, int cols) {
        if (!tty) {
            send.accept(Frame.error("cannot resize, not a tty instance"));
        } else {
            resizes.resize(rows, cols);
        }
    }

    void onEnd() {
        if (stdinEnded) {
            return;
        }
        stdinEnded = true;
        if (handle != null) {
            endStdin();
        } else {
            pending.addEnd();
        }
    }

    private void writeStdin(Buffer data) {
        handle.stream().write(data);
        if (!stdinBackedUp && handle.stream().writeQueueFull()) {
            // The process does not read as fast as the client writes: tell the client, and stop reading it.
            stdinBackedUp = true;
            send.accept(Frame.of(FrameType.PAUSE));
            updateClientReading();
            handle.stream().drainHandler(v -> {
                stdinBackedUp = false;
                updateClientReading();
                if (!processGone) {
                    send.accept(Frame.of(FrameType.RESUME));
                }
            });
        }
    }

    /**
     * Without a tty, stdin EOF is a half-close. With a tty it cannot be: dockerd answers a half-closed tty exec by
     * closing its output too (moby container/stream/attach.go), which would lose everything the process writes
     * after. A terminal's EOF is its EOF character instead, so the broker types Ctrl-D, as a person would.
     */
    private void endStdin() {
        if (tty) {
            handle.stream().write(Buffer.buffer(new byte[] {TTY_EOF}));
            return;
        }
        handle.stream().endStdin().onFailure(e -> LOG.debug("stdin end failed: {}", e.toString()));
    }

    /**
     * The replies to the client (errors, pause, resume) fill its write queue, or no longer do. While they do, the
     * client is not read: a client that sends bad frames and never reads the answers cannot grow the queue.
     */
    void repliesBackedUp(boolean backedUp) {
        repliesBackedUp = backedUp;
        updateClientReading();
    }

    /**
     * Reads the client's socket unless stdin is backed up, too much waits for the process to start, or the
     * client does not read the replies.
     */
    private void updateClientReading() {
        boolean want = !stdinBackedUp && !pending.full() && !repliesBackedUp;
        if (want != readingClient) {
            readingClient = want;
            if (want) {
                ws.resume();
            } else {
                ws.pause();
            }
        }
    }
}
