package io.execbroker.broker.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A diagnostic column ({@code --raw-ws}): the same in-process broker, driven by {@link RawWsExec} (a bare Vert.x
 * WebSocket client on its own Vertx, threads {@value #THREAD_PREFIX}*) instead of the Java protocol client. Set
 * against the broker column it shows what the protocol client costs; set against direct, what the broker costs.
 */
final class RawWsSubject implements Subject {
    static final String THREAD_PREFIX = "bench-rawws-";
    private static final long TIMEOUT_SECONDS = 600;
    private static final int MAX_MESSAGE = 2 * 1024 * 1024;

    private final Vertx vertx;
    private final WebSocketClient client;
    private final int port;

    private RawWsSubject(Vertx vertx, WebSocketClient client, int port) {
        this.vertx = vertx;
        this.client = client;
        this.port = port;
    }

    static RawWsSubject start(BrokerSubject broker) {
        Vertx vertx = NamedVertx.create(THREAD_PREFIX);
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
            .setMaxFrameSize(MAX_MESSAGE).setMaxMessageSize(MAX_MESSAGE).setMaxConnections(1000)
            .setTcpNoDelay(true));
        return new RawWsSubject(vertx, client, broker.broker().port());
    }

    @Override
    public String name() {
        return "broker raw WS";
    }

    private RawWsExec start(List<String> argv, boolean tty, java.util.function.Consumer<Buffer> stdout) {
        return RawWsExec.start(vertx, client, port, argv, tty, stdout);
    }

    @Override
    public Transfer stdout(long bytes, boolean tty) throws Exception {
        ChunkCounter counter = new ChunkCounter(bytes, false);
        RawWsExec exec = start(List.of("head", "-c", Long.toString(bytes), "/dev/zero"), tty, counter::add);
        int code = finish(exec);
        BenchException.check(counter.total == bytes && code == 0, "raw WS stdout (tty " + tty + "): read "
            + counter.total + " bytes, expected " + bytes + "; exit code " + code + " " + exec.otherOutput());
        return counter.transfer();
    }

    @Override
    public Transfer echo(Payload payload) throws Exception {
        ChunkCounter counter = new ChunkCounter(payload.bytes.length, true);
        RawWsExec exec = start(List.of("cat"), false, counter::add);
        try {
            exec.started().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            exec.close();
            throw e;
        }
        long start = System.nanoTime();
        exec.writeAllThenEnd(payload.bytes);
        int code = finish(exec);
        payload.verify("raw WS", counter.total, counter.crc.getValue());
        BenchException.check(code == 0, "raw WS echo: cat exited with " + code);
        return new Transfer(counter.total, counter.last - start);
    }

    @Override
    public long setupTrue() throws Exception {
        long start = System.nanoTime();
        RawWsExec exec = start(List.of("true"), false, chunk -> { });
        int code;
        long elapsed;
        try {
            code = exec.exitCode().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            elapsed = System.nanoTime() - start;
        } finally {
            exec.close();
            exec.closed().get(30, TimeUnit.SECONDS);
        }
        BenchException.check(code == 0, "raw WS: true exited with " + code);
        return elapsed;
    }

    @Override
    public Echo openEcho() throws Exception {
        BlockingQueue<Buffer> back = new LinkedBlockingQueue<>();
        RawWsExec exec = start(List.of("cat"), false, back::add);
        exec.started().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return new Echo() {
            @Override
            public long roundTrip(byte b) throws Exception {
                long start = System.nanoTime();
                exec.write(b);
                Buffer got = back.poll(30, TimeUnit.SECONDS);
                long elapsed = System.nanoTime() - start;
                BenchException.check(got != null && got.length() == 1 && got.getByte(0) == b,
                    "raw WS round trip: sent " + (b & 0xff) + ", got " + got);
                return elapsed;
            }

            @Override
            public void close() throws Exception {
                exec.endStdin();
                BenchException.check(finish(exec) == 0, "raw WS round trip: cat failed");
                BenchException.check(back.isEmpty(), "raw WS round trip: extra output");
            }
        };
    }

    /** Waits for the exit code, then for the close the broker sends after it. */
    private static int finish(RawWsExec exec) throws Exception {
        try {
            return exec.exitCode().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } finally {
            exec.close();
            exec.closed().get(30, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            client.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
