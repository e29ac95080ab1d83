package io.execbroker.broker.bench;

import io.execbroker.protocol.frame.FrameType;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.vertx.core.Context;
import io.execbroker.broker.testing.TestController;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.http.WebSocketInternal;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * One broker session over a bare Vert.x WebSocket client that speaks just enough of protocol v1 (stdin, end,
 * stdout, resume, pause, stopped, error), on one event loop, with no copies or threads of its own: the same shape
 * as {@link DirectExec}, so that comparing the two isolates the broker from the Java protocol client: it
 * drives the broker column. The stdout sink runs on the event loop.
 */
final class RawWsExec extends BenchExec {
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private WebSocket ws;
    private boolean serverPaused;

    private RawWsExec(Context context, Consumer<Buffer> stdout) {
        super(context, stdout);
    }

    static RawWsExec start(Vertx vertx, WebSocketClient client, int port, String token, List<String> argv,
                           boolean tty, Consumer<Buffer> stdout) {
        RawWsExec exec = new RawWsExec(vertx.getOrCreateContext(), stdout);
        StringBuilder uri = new StringBuilder("/exec?token=").append(TestController.GOOD_TOKEN).append("&tty=").append(tty);
        argv.forEach(arg -> uri.append("&command=").append(URLEncoder.encode(arg, StandardCharsets.UTF_8)));
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
            .setURI(uri.toString()).addSubProtocol("exec-broker.v1")
            .setAllowOriginHeader(false); // not a browser: the broker refuses origins it was not told about
        if (token != null) {
            options.addHeader("Authorization", "Bearer " + token);
        }
        exec.context.runOnContext(v -> client.connect(options).onComplete(ar -> {
            if (ar.succeeded()) {
                exec.onOpen(ar.result());
            } else {
                exec.fail(ar.cause());
                exec.closed.complete(null);
            }
        }));
        return exec;
    }

    private void onOpen(WebSocket socket) {
        ws = socket;
        ws.binaryMessageHandler(this::onMessage);
        ws.closeHandler(v -> {
            fail(new BenchException("session closed with " + ws.closeStatusCode() + " " + ws.closeReason()
                + " and no exit code " + otherOutput));
            closed.complete(null);
        });
        ws.exceptionHandler(this::fail);
    }

    private void onMessage(Buffer message) {
        if (message.length() == 0) {
            return;
        }
        int type = message.getByte(0) & 0xff;
        if (type == FrameType.STDOUT.code()) {
            stdout.accept(message.slice(1, message.length()));
        } else if (type == FrameType.RESUME.code()) {
            started.complete(null);
            serverPaused = false;
            pump();
        } else if (type == FrameType.PAUSE.code()) {
            serverPaused = true;
        } else if (type == FrameType.STOPPED.code() && message.length() == 2) {
            exitCode.complete(message.getByte(1) & 0xff);
        } else {
            otherOutput.append(message.slice(1, message.length()).toString(StandardCharsets.UTF_8));
        }
    }

    /** Completes once the WebSocket is closed. */
    CompletableFuture<Void> closed() {
        return closed;
    }

    @Override
    protected boolean canWrite() {
        return !serverPaused && !ws.writeQueueFull();
    }

    @Override
    protected void onDrain(Runnable pump) {
        ws.drainHandler(x -> pump.run());
    }

    @Override
    protected void sendStdin(byte[] bytes, int offset, int length) {
        ws.writeBinaryMessage(Buffer.buffer(length + 1).appendByte(FrameType.STDIN.codeByte())
            .appendBytes(bytes, offset, length));
    }

    @Override
    protected void sendEnd() {
        ws.writeBinaryMessage(Buffer.buffer(new byte[] {FrameType.END.codeByte()}));
    }

    /** Closes the session and waits for the close: the broker ends it after the exit code anyway. */
    @Override
    protected void finish() throws Exception {
        abort();
        closed.get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /**
     * Drops the connection as a client that vanished would: the TCP socket closed with a reset (SO_LINGER 0), no
     * WebSocket close frame. The broker must find out from the socket alone and end the session.
     */
    void drop() {
        context.runOnContext(v -> {
            if (ws != null) {
                Channel channel = ((WebSocketInternal) ws).channelHandlerContext().channel();
                channel.config().setOption(ChannelOption.SO_LINGER, 0);
                channel.close();
            }
        });
    }

    /**
     * Stops reading the session for {@code millis}, as a client that stalls would: its output backs up through the
     * socket into the broker, which must stop reading Docker rather than queue without bound, then carry on.
     */
    void stall(long millis) {
        context.runOnContext(v -> {
            ws.pause();
            context.owner().setTimer(millis, id -> ws.resume());
        });
    }

    /** Closes the session (the broker kills the process if it still runs). */
    @Override
    protected void abort() {
        context.runOnContext(v -> {
            if (ws != null && !ws.isClosed()) {
                ws.close();
            }
        });
    }
}
