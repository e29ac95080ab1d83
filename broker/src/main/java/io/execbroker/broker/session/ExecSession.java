package io.execbroker.broker.session;

import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.docker.DockerErrors;
import io.execbroker.broker.docker.ExecHandle;
import io.execbroker.broker.docker.ExecLauncher;
import io.execbroker.broker.docker.ExecState;
import io.execbroker.protocol.codec.FrameDecoder;
import io.execbroker.protocol.codec.FrameEncoder;
import io.execbroker.protocol.codec.ProtocolException;
import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.frame.Frame;
import io.execbroker.protocol.frame.FrameType;
import io.execbroker.protocol.grant.ExecGrant;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;

import java.time.Duration;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's exec session, from the upgrade to the close (DESIGN.md §1 steps 7-9): launches the granted exec,
 * streams it over protocol v1 with flow control both ways, sends the true exit code, and kills the process when the
 * session ends for any other reason. Not thread safe: everything runs on the WebSocket's event loop.
 *
 * <p>States: {@code CREATING} (exec being created, nothing runs) → {@code STARTING} (exec being started) →
 * {@code RUNNING} (stream attached, {@code resume} sent) → {@code EXITING} (stream ended, reading the exit code)
 * → {@code CLOSED}. Any state can go to {@code CLOSED}.
 */
public final class ExecSession {
    private static final Logger LOG = LoggerFactory.getLogger(ExecSession.class);

    enum State { CREATING, STARTING, RUNNING, EXITING, CLOSED }

    private final Vertx vertx;
    private final Context context;
    private final ServerWebSocket ws;
    private final ExecGrant grant;
    private final ExecLauncher launcher;
    private final SessionLimits limits;
    private final SessionRegistry registry;
    private final AuditLog audit;
    private final AuditRecord accepted;
    private final FrameDecoder decoder;
    private final InputGate input;
    private final OutputGate output;
    private final WriteDrain drain;
    private final LingeringClose connection;
    private final SessionTimers timers;
    private final SessionEnd end;
    private final SetupTiming timing;

    private State state = State.CREATING;
    private boolean repliesBackedUp;
    private Future<ExecHandle> starting;
    private ExecHandle handle;
    private ExecInspections inspections;

    /** {@code socket} is the connection under {@code ws}: the session closes it, lingering when it must. */
    public ExecSession(Vertx vertx, ServerWebSocket ws, Channel socket, ExecGrant grant, ExecLauncher launcher,
                       SessionLimits limits, SessionRegistry registry, AuditLog audit, AuditRecord accepted,
                       SetupTiming timing) {
        this.timing = timing;
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.ws = ws;
        this.grant = grant;
        this.launcher = launcher;
        this.limits = limits;
        this.registry = registry;
        this.audit = audit;
        this.accepted = accepted;
        this.decoder = FrameDecoder.forServer(limits.maxMessageBytes());
        this.drain = new WriteDrain(socket);
        this.connection = LingeringClose.install(socket);
        this.input = new InputGate(ws, grant.tty(), limits.pendingStdinBytes(), this::send);
        this.output = new OutputGate(ws, drain, limits.outputQueueBytes(), this::confirmStarted, this::touch);
        this.timers = new SessionTimers(vertx, ws, limits, grant.limits(), this::teardown);
        this.end = new SessionEnd(audit, accepted, grant.container(), input::bytesIn, output::bytesOut);
    }

    /**
     * Starts the session: takes the client's messages and starts the exec {@code created} makes, once made.
     * Returns immediately. The handshake creates the exec while the 101 goes out (creating runs nothing), so the two
     * overlap; a session closed before the creation completes leaves the exec unstarted.
     */
    public void start(Future<String> created) {
        audit.record(accepted);
        if (!registry.add(this)) {
            // The broker began to stop while this handshake was being authorized: nothing is launched.
            send(Frame.of(FrameType.SHUTDOWN));
            close(CloseCodes.GOING_AWAY, "broker shutting down");
            return;
        }
        // The slot is held until the process is confirmed gone, so a broker stop waits for teardowns under way.
        end.ended().onComplete(v -> registry.remove(this));
        ws.frameHandler(new ClientFrames(limits.maxMessageBytes(), new ClientFrames.Sink() {
            @Override
            public void stdin(Buffer data) {
                onStdin(data);
            }

            @Override
            public void message(Buffer message) {
                onClientMessage(message);
            }

            @Override
            public void text() {
                teardown(CloseCodes.UNSUPPORTED_DATA, "text messages are not part of protocol v1");
            }

            @Override
            public void tooBig(int maxMessageBytes) {
                tooBigToTake("message larger than " + maxMessageBytes + " bytes");
            }
        }));
        // A close frame from the client ends the session at once, even if our close frame cannot get out to it.
        ws.endHandler(v -> teardown(CloseCodes.NORMAL, "client closed"));
        ws.closeHandler(v -> teardown(CloseCodes.NORMAL, "client closed"));
        ws.exceptionHandler(this::onWebSocketFailure);
        timers.start();
        created.onComplete(exec -> {
            if (state == State.CLOSED) {
                return; // the exec was created but never started: nothing runs
            }
            if (exec.failed()) {
                fail("cannot create exec: " + DockerErrors.tlsFailure(exec.cause())
                    .orElseGet(() -> DockerErrors.describe(exec.cause())));
                return;
            }
            timing.done(SetupTiming.Step.CREATE);
            state = State.STARTING;
            starting = launcher.start(exec.result(), grant.tty());
            starting.onComplete(started -> {
                if (state == State.CLOSED) {
                    return; // teardown kills it
                }
                if (started.failed()) {
                    fail("cannot start exec: " + DockerErrors.tlsFailure(started.cause())
                        .orElseGet(() -> DockerErrors.describe(started.cause())));
                } else {
                    onStarted(started.result());
                }
            });
        });
    }

    /** Returns who the grant is for, if it says. */
    Optional<String> subject() {
        return grant.subject();
    }

    /** Returns a future that completes once the session is closed and its process is gone. */
    public Future<Void> ended() {
        return end.ended();
    }

    /** Tells the client the broker stops, closes with 1001 and kills the process. Callable from any thread. */
    public Future<Void> shutdown() {
        context.runOnContext(v -> {
            if (state != State.CLOSED) {
                send(Frame.of(FrameType.SHUTDOWN));
                teardown(CloseCodes.GOING_AWAY, "broker shutting down");
            }
        });
        return end.ended();
    }

    private void onStarted(ExecHandle started) {
        timing.done(SetupTiming.Step.START);
        handle = started;
        inspections = new ExecInspections(vertx, started, () -> state != State.CLOSED);
        state = State.RUNNING;
        send(Frame.of(FrameType.RESUME));
        output.attach(handle.stream());
        handle.stream().start(output::accept, v -> onStreamEnd(), this::onStreamFailure);
        input.attach(handle);
    }

    /**
     * A frame over the size limit reaches us as Netty's {@link CorruptedWebSocketFrameException} (1009) as soon as
     * its header is read, before its payload is taken in; a message of several frames over it is caught by
     * {@link ClientFrames}. Any other corrupt frame leaves the stream undefined: 1002.
     */
    private void onWebSocketFailure(Throwable failure) {
        if (failure instanceof CorruptedWebSocketFrameException corrupt
                && corrupt.closeStatus().code() == CloseCodes.MESSAGE_TOO_BIG) {
            int frameLimit = limits.maxFrameBytes();
            tooBigToTake((frameLimit == limits.maxMessageBytes() ? "message" : "frame") + " larger than "
                + frameLimit + " bytes");
        } else if (failure instanceof CorruptedWebSocketFrameException corrupt) {
            teardown(corrupt.closeStatus().code(), corrupt.getMessage());
        } else {
            teardown(CloseCodes.INTERNAL_ERROR, "connection failed: " + failure.getMessage());
        }
    }

    /**
     * Closes with 1009 while the client is most likely still sending the rest of that message: the close lingers,
     * so that the client reads the close frame and a FIN, not a reset (see {@link LingeringClose}).
     */
    private void tooBigToTake(String reason) {
        connection.arm();
        teardown(CloseCodes.MESSAGE_TOO_BIG, reason);
    }

    private void touch() {
        timers.touch();
    }

    /** Stdin as it arrives, frame by frame: the bulk path, not put back together into messages. */
    private void onStdin(Buffer data) {
        timers.touch();
        if (state != State.CLOSED) {
            input.onStdin(data);
        }
    }

    private void onClientMessage(Buffer message) {
        timers.touch();
        if (state == State.CLOSED) {
            return;
        }
        // A stdin message that came in pieces: slice the payload out rather than copy it through a Frame.
        if (message.length() > 0 && message.getByte(0) == FrameType.STDIN.codeByte()) {
            input.onStdin(message.slice(1, message.length()));
            return;
        }
        Frame frame;
        try {
            frame = decoder.decode(message.getBytes());
        } catch (ProtocolException e) {
            if (e.fatal()) {
                send(Frame.error(e.getMessage()));
                teardown(e.closeCode(), e.getMessage());
            } else {
                send(Frame.error(e.getMessage()));
            }
            return;
        }
        switch (frame.type()) {
            case RESIZE -> input.onResize(frame.rows(), frame.cols());
            case PAUSE -> output.clientPaused(true);
            case RESUME -> output.clientPaused(false);
            case END -> input.onEnd();
            default -> send(Frame.error("unexpected frame type from client: " + frame.type()));
        }
    }

    /** Called by the output gate with the first output: has the process really started? */
    private void confirmStarted() {
        // failed to start: keep holding Docker's message; the stream ends next and onStreamEnd reports it
        inspections.started().onSuccess(v -> output.confirm());
    }

    /** The Docker stream broke (read error, corrupt framing): the exit code cannot be trusted, so 1011. */
    private void onStreamFailure(Throwable failure) {
        if (state == State.RUNNING || state == State.EXITING) {
            fail("exec stream failed: " + DockerErrors.describe(failure));
        }
    }

    private void onStreamEnd() {
        if (state != State.RUNNING) {
            return;
        }
        state = State.EXITING;
        timing.restart();
        input.processGone();
        inspections.exited().onComplete(this::onExited);
    }

    private void onExited(AsyncResult<ExecState> exited) {
        if (state == State.CLOSED) {
            return;
        }
        if (exited.failed()) {
            fail(exited.cause().getMessage());
            return;
        }
        ExecState exec = exited.result();
        timing.done(SetupTiming.Step.EXIT);
        long code = exec.exitCode().getAsLong();
        if (exec.failedToStart()) {
            send(Frame.error("cannot start " + grant.command().get(0) + ": " + output.discardHeld()));
        } else {
            output.confirm();
        }
        if (code < 0 || code > 255) {
            fail("exit code " + code + " is outside 0-255");
            return;
        }
        send(Frame.stopped((int) code));
        close(CloseCodes.NORMAL, "process exited", exec);
    }

    /** Ends the session with {@code error} and close 1011; the process is killed. */
    private void fail(String message) {
        send(Frame.error(message));
        teardown(CloseCodes.INTERNAL_ERROR, message);
    }

    /** Closes without an exec, like when the broker is stopping before the launch: nothing runs. */
    private void close(int code, String reason) {
        closeSocket(code, reason, ClosingHandshake.GRACE_AFTER_EXIT);
        end.now(code, reason, Optional.empty());
    }

    /**
     * Closes after the process's own exit, then kills what it left running in its session (background jobs, a
     * daemon): nothing the session started outlives it. The slot is held until they are gone.
     */
    private void close(int code, String reason, ExecState exited) {
        closeSocket(code, reason, ClosingHandshake.GRACE_AFTER_EXIT);
        end.afterLeftovers(code, reason, (int) exited.exitCode().getAsLong(), handle.execId(),
            handle.killLeftovers(exited));
    }

    private void closeSocket(int code, String reason, Duration grace) {
        state = State.CLOSED;
        timers.cancel();
        ClosingHandshake.close(vertx, ws, connection, code, reason, grace);
    }

    /** Ends the session for any reason but the process's own exit: closes, then kills the process (TERM, KILL). */
    private void teardown(int code, String reason) {
        if (state == State.CLOSED) {
            return;
        }
        LOG.debug("session {} ends in state {}: {} {}", handle == null ? "-" : handle.execId(), state, code, reason);
        closeSocket(code, reason, ClosingHandshake.GRACE_TEARDOWN);
        if (handle == null && starting == null) {
            end.now(code, reason, Optional.empty()); // nothing was started: nothing runs
            return;
        }
        Future<ExecHandle> started = handle != null ? Future.succeededFuture(handle) : starting;
        // A start that failed left nothing running (null); otherwise kill what runs.
        end.afterTeardown(code, reason, handle == null ? "-" : handle.execId(),
            started.transform(ar -> ar.succeeded() ? ar.result().terminate() : Future.<ExecState>succeededFuture(null)));
    }

    /**
     * Sends one of the session's own frames. One that fills the write queue stops the reading of the client until
     * the queue drains: each bad client frame is answered, so a client that never reads its answers would
     * otherwise grow the queue without bound.
     */
    private void send(Frame frame) {
        if (ws.isClosed()) {
            return;
        }
        ws.writeBinaryMessage(Buffer.buffer(FrameEncoder.encode(frame)));
        if (!repliesBackedUp && drain.full()) {
            repliesBackedUp = true;
            input.repliesBackedUp(true);
            drain.once(() -> {
                repliesBackedUp = false;
                input.repliesBackedUp(false);
            });
        }
    }
}
