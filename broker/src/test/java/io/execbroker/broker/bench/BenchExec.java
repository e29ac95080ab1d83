package io.execbroker.broker.bench;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One exec the benchmark drives over some transport (the Docker API directly, or a bare WebSocket to the broker):
 * the futures, the other output, and the stdin pump that honours the transport's backpressure. Subclasses supply
 * the transport. The stdout sink runs on the event loop and may use a chunk during the call only; the public methods may be called from any thread.
 */
abstract class BenchExec {
    /** Stdin goes out in chunks of this size, as the protocol client sends it. */
    static final int STDIN_CHUNK = 64 * 1024;
    static final long TIMEOUT_SECONDS = 600;

    protected final Context context;
    protected final Consumer<Buffer> stdout;
    protected final CompletableFuture<Void> started = new CompletableFuture<>();
    protected final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    protected final StringBuffer otherOutput = new StringBuffer();
    private byte[] stdin;
    private int stdinPos;

    protected BenchExec(Context context, Consumer<Buffer> stdout) {
        this.context = context;
        this.stdout = stdout;
    }

    /** Completes once the process runs. */
    final CompletableFuture<Void> started() {
        return started;
    }

    final CompletableFuture<Integer> exitCode() {
        return exitCode;
    }

    /** Stderr and error text, for messages. */
    final String otherOutput() {
        return otherOutput.toString();
    }

    protected final void fail(Throwable cause) {
        started.completeExceptionally(cause);
        exitCode.completeExceptionally(cause);
    }

    /** Waits for the exit code, then lets go of the transport; on failure ends the exec and rethrows. */
    final int awaitExit() throws Exception {
        int code;
        try {
            code = exitCode.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            abort();
            throw e;
        }
        finish();
        return code;
    }

    /** Waits until the process runs; on failure ends the exec and rethrows. */
    final void awaitStarted() throws Exception {
        try {
            started.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            abort();
            throw e;
        }
    }

    /** Writes {@code data} to stdin as fast as the transport takes it, then ends stdin. */
    final void writeAllThenEnd(byte[] data) {
        context.runOnContext(v -> {
            stdin = data;
            stdinPos = 0;
            // Drain may fire again after the last chunk: pump() then does nothing.
            onDrain(this::pump);
            pump();
        });
    }

    /** Sends from where it stopped until the transport is full; ends stdin after the last chunk. */
    protected final void pump() {
        if (stdin == null) {
            return;
        }
        while (stdinPos < stdin.length && canWrite()) {
            int n = Math.min(STDIN_CHUNK, stdin.length - stdinPos);
            sendStdin(stdin, stdinPos, n);
            stdinPos += n;
        }
        if (stdinPos >= stdin.length) {
            stdin = null;
            sendEnd();
        }
    }

    /** Writes one byte to stdin. */
    final void write(byte b) {
        context.runOnContext(v -> sendStdin(new byte[] {b}, 0, 1));
    }

    final void endStdin() {
        context.runOnContext(v -> sendEnd());
    }

    /** Returns true while the transport takes more stdin. On the event loop. */
    protected abstract boolean canWrite();

    /** Calls {@code pump} when the transport drained. On the event loop. */
    protected abstract void onDrain(Runnable pump);

    protected abstract void sendStdin(byte[] bytes, int offset, int length);

    protected abstract void sendEnd();

    /** After the exit code: lets go of the transport. */
    protected abstract void finish() throws Exception;

    /** After a failure: ends the exec however it stands. */
    protected abstract void abort();
}
