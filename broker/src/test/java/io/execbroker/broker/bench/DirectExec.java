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
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * One docker exec run the way the broker runs one, minus the WebSocket: exec create with docker-java on a worker
 * pool, start and stream with {@link ExecStream} on one event loop, the exit code from exec inspect, polled as
 * {@code ExecSession} polls it. The stdout sink runs on the event loop; every other method may be called from
 * any thread.
 */
final class DirectExec extends BenchExec {
    /** As {@code ExecSession}: inspect until the process has exited, every 10 ms, at most 50 times. */
    private static final int EXIT_POLLS = 50;
    private static final long EXIT_POLL_MILLIS = 10;
    /** The broker sets the same stdin write queue on its exec streams. */
    private static final int STDIN_QUEUE_BYTES = SessionLimits.DEFAULTS.pendingStdinBytes();

    private ExecHandle handle;

    private DirectExec(Context context, Consumer<Buffer> stdout) {
        super(context, stdout);
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
            // the chunk's first byte is a spare one; the payload follows
            Buffer payload = BufferInternal.buffer(chunk.slice(chunk.readerIndex() + 1, chunk.readableBytes() - 1));
            if (from == StreamDemuxer.Stream.STDOUT) {
                stdout.accept(payload);
            } else {
                otherOutput.append(payload.toString(StandardCharsets.UTF_8));
            }
            chunk.release();
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

    @Override
    protected boolean canWrite() {
        return !handle.stream().writeQueueFull();
    }

    @Override
    protected void onDrain(Runnable pump) {
        handle.stream().drainHandler(x -> pump.run());
    }

    @Override
    protected void sendStdin(byte[] bytes, int offset, int length) {
        handle.stream().write(Buffer.buffer(length).appendBytes(bytes, offset, length));
    }

    @Override
    protected void sendEnd() {
        handle.stream().endStdin().onFailure(this::fail);
    }

    @Override
    protected void finish() {
        // the process exited and Docker closed the stream: nothing to let go of
    }

    /** Closes the stream and kills the process if it still runs. */
    @Override
    protected void abort() {
        context.runOnContext(v -> {
            if (handle != null) {
                handle.terminate();
            }
        });
    }
}
