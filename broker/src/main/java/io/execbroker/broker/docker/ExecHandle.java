package io.execbroker.broker.docker;

import io.vertx.core.Future;

/**
 * One started docker exec: its stream, and the control calls that go with it. Not thread safe: use it from the
 * event loop of its session.
 */
public final class ExecHandle {
    private final String execId;
    private final ExecStream stream;
    private final DockerControl control;
    private final ExecTerminator terminator;

    ExecHandle(String execId, ExecStream stream, DockerControl control, ExecTerminator terminator) {
        this.execId = execId;
        this.stream = stream;
        this.control = control;
        this.terminator = terminator;
    }

    public String execId() {
        return execId;
    }

    public ExecStream stream() {
        return stream;
    }

    public Future<Void> resize(int rows, int cols) {
        return control.resize(execId, rows, cols);
    }

    public Future<ExecState> inspect() {
        return control.inspect(execId);
    }

    /** After the process's own exit, kills what it left running in its session; completes with how many. */
    public Future<Integer> killLeftovers(ExecState exited) {
        return terminator.killLeftovers(execId, exited);
    }

    /**
     * Kills the process (TERM, grace, KILL) and closes the stream; completes once Docker confirms the exit. The
     * stream is paused at once but closed only when the terminator's turn for this container comes: closing it ends
     * the process's stdin, and a thousand {@code cat}s or shells that see their EOF at once would exit together,
     * outside the pace that keeps containerd's shim from deadlocking ({@link ContainerPermits}). Paused rather than
     * drained: a process with output to write blocks instead of running on, and dockerd records its exit as soon
     * either way (12 ms after KILL here for a {@code yes} whose output was never read, and for one read and dropped).
     */
    public Future<ExecState> terminate() {
        stream.pause();
        return terminator.terminate(execId, stream::close).andThen(done -> stream.close());
    }
}
