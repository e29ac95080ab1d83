package io.execbroker.broker.bench;

import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.docker.ExecHandle;
import io.execbroker.broker.docker.ExecLauncher;
import io.execbroker.broker.docker.ExecState;
import io.execbroker.broker.docker.ExecStream;
import io.execbroker.broker.docker.StreamDemuxer;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One docker exec run the way the broker runs one, minus the WebSocket: exec create with docker-java on a worker
 * pool, start and stream with {@link ExecStream} on one event loop, the exit code from exec inspect, polled as
 * {@code ExecSession} polls it. The stdout sink runs on the event loop; every other method may be called from
 * any thread.
 */
final class DirectExec {
    /** As {@code ExecSession}: inspect until the process has exited, every 10 ms, at most 50 times. */
    private static final int EXIT_POLLS = 50;
    private static final long EXIT_POLL_MILLIS = 10;
    /** The broker sets the same stdin write queue on its exec streams. */
    private static final int STDIN_QUEUE_BYTES = SessionLimits.DEFAULTS.pendingStdinBytes();
    /** The protocol client sends stdin in messages of this size. */
    private static final int STDIN_CHUNK = 64 * 1024;

    private final Context context;
    private final Consumer<Buffer> stdout;
    private final CompletableFuture<Void> started = new CompletableFuture<>();
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private final StringBuffer otherOutput = new StringBuffer();
    private ExecHandle handle;
    private byte[] stdin;
    private int stdinPos;

    private DirectExec(Context context, Consumer<Buffer> stdout) {
        this.context = context;
        this.stdout = stdout;
    }

    /** Creates and starts {@code argv} in {@code servertest}; returns at once. */
    static DirectExec start(Vertx vertx, ExecLauncher launcher, List<String> argv, boolean tty, Consumer<Buffer> stdout) {
        DirectExec exec = new DirectExec(vertx.getOrCreateContext(), stdout);
        ExecGrant grant = ExecGrant.builder(DockerFixture.CONTAINER, argv).tty(tty).subject("bench").build();
        exec.context.runOnContext(v -> launcher.create(grant)
            .compose(execId -> launcher.start(execId, tty))
            .onComplete(ar -> {
                if (ar.succeeded()) {
                    exec.onStarted(ar.result());
                } else {
                    exec.fail(ar.cause());
                }
            }));
        return exec;
    }

    private void onStarted(ExecHandle started) {
        handle = started;
        ExecStream stream = handle.stream();
        stream.setWriteQueueMaxSize(STDIN_QUEUE_BYTES);
        stream.start((from, chunk) -> {
            if (from == StreamDemuxer.Stream.STDOUT) {
                stdout.accept(chunk);
            } else {
                otherOutput.append(chunk.toString(StandardCharsets.UTF_8));
            }
        }, end -> readExitCode(EXIT_POLLS), this::fail);
        this.started.complete(null);
    }

    private void readExitCode(int polls) {
        handle.inspect().onComplete(ar -> {
            if (ar.failed()) {
                fail(ar.cause());
                return;
            }
            ExecState state = ar.result();
            if (state.exited()) {
                exitCode.complete((int) state.exitCode().getAsLong());
            } else if (polls > 0) {
                context.owner().setTimer(EXIT_POLL_MILLIS, id -> readExitCode(polls - 1));
            } else {
                fail(new BenchException("exit code unknown: the process still runs after its output ended"));
            }
        });
    }

    private void fail(Throwable cause) {
        started.completeExceptionally(cause);
        exitCode.completeExceptionally(cause);
    }

    /** Completes once Docker answered 101: the process runs. */
    CompletableFuture<Void> started() {
        return started;
    }

    CompletableFuture<Integer> exitCode() {
        return exitCode;
    }

    /** Stderr and Docker's own error text, for messages. */
    String otherOutput() {
        return otherOutput.toString();
    }

    /** Writes {@code data} to stdin in 64 KiB chunks, waiting whenever the write queue is full, then ends stdin. */
    void writeAllThenEnd(byte[] data) {
        context.runOnContext(v -> {
            stdin = data;
            stdinPos = 0;
            // Drain may fire again after the last chunk (the queue filled up with it): pump() then does nothing.
            handle.stream().drainHandler(x -> pump());
            pump();
        });
    }

    /** Writes from {@code stdinPos} on until the write queue is full; ends stdin after the last chunk. */
    private void pump() {
        if (stdin == null) {
            return;
        }
        ExecStream stream = handle.stream();
        while (stdinPos < stdin.length && !stream.writeQueueFull()) {
            int n = Math.min(STDIN_CHUNK, stdin.length - stdinPos);
            stream.write(Buffer.buffer(Arrays.copyOfRange(stdin, stdinPos, stdinPos + n)));
            stdinPos += n;
        }
        if (stdinPos >= stdin.length) {
            stdin = null;
            stream.endStdin().onFailure(this::fail);
        }
    }

    /** Writes one byte to stdin. */
    void write(byte b) {
        context.runOnContext(v -> handle.stream().write(Buffer.buffer(new byte[] {b})));
    }

    void endStdin() {
        context.runOnContext(v -> handle.stream().endStdin().onFailure(this::fail));
    }

    /** Closes the stream and kills the process if it still runs (after a failure). */
    void terminate() {
        context.runOnContext(v -> {
            if (handle != null) {
                handle.terminate();
            }
        });
    }
}
