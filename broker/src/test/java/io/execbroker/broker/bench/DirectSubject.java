package io.execbroker.broker.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.LocalDirectorySSLConfig;
import io.execbroker.broker.docker.DockerClients;
import io.execbroker.broker.docker.DockerControl;
import io.execbroker.broker.docker.DockerEndpoint;
import io.execbroker.broker.docker.DockerExecLauncher;
import io.execbroker.broker.docker.ExecLauncher;
import io.execbroker.broker.docker.ExecTerminator;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The direct column: a Docker API client with no broker in between. It is the broker's own Docker layer
 * ({@link DockerControl} for exec create and inspect, {@link io.execbroker.broker.docker.ExecStream} for the
 * hijacked stream), wired as {@code Broker.start} wires it, on its own Vertx instance (threads named
 * {@value #THREAD_PREFIX}*). See {@link DirectExec}.
 */
final class DirectSubject implements Subject {
    static final String THREAD_PREFIX = "bench-direct-";
    private static final long TIMEOUT_SECONDS = 600;

    private final Vertx vertx;
    private final DockerClient docker;
    private final WorkerExecutor workers;
    private final NetClient streams;
    private final ExecLauncher launcher;

    private DirectSubject(Vertx vertx, DockerClient docker, WorkerExecutor workers, NetClient streams,
                          ExecLauncher launcher) {
        this.vertx = vertx;
        this.docker = docker;
        this.workers = workers;
        this.streams = streams;
        this.launcher = launcher;
    }

    static DirectSubject start() {
        Vertx vertx = NamedVertx.create(THREAD_PREFIX);
        DefaultDockerClientConfig config = DockerClients.configFromEnvironment();
        DockerClient docker = DockerClients.create(config, DockerClients.DEFAULT_CALL_TIMEOUT);
        WorkerExecutor workers = vertx.createSharedWorkerExecutor("docker-control", 8);
        DockerControl control = new DockerControl(docker, workers);
        DockerEndpoint endpoint = DockerEndpoint.of(config.getDockerHost(),
            config.getSSLConfig() instanceof LocalDirectorySSLConfig tls ? Path.of(tls.getDockerCertPath()) : null);
        NetClient streams = vertx.createNetClient(endpoint.clientOptions());
        ExecTerminator terminator = new ExecTerminator(vertx, control, workers, Duration.ofSeconds(2));
        return new DirectSubject(vertx, docker, workers, streams,
            new DockerExecLauncher(control, terminator, streams, endpoint));
    }

    @Override
    public String name() {
        return "direct";
    }

    @Override
    public Transfer stdout(long bytes, boolean tty) throws Exception {
        ChunkCounter counter = new ChunkCounter(bytes, false);
        DirectExec exec = DirectExec.start(vertx, launcher, List.of("head", "-c", Long.toString(bytes), "/dev/zero"),
            tty, counter::add);
        int code = exitCode(exec);
        // The exit code completes on the event loop after the last output: counter's fields are visible here.
        BenchException.check(counter.total == bytes && code == 0, "direct stdout (tty " + tty + "): read "
            + counter.total + " bytes, expected " + bytes + "; exit code " + code + " " + exec.otherOutput());
        return counter.transfer();
    }

    @Override
    public Transfer echo(Payload payload) throws Exception {
        ChunkCounter counter = new ChunkCounter(payload.bytes.length, true);
        DirectExec exec = DirectExec.start(vertx, launcher, List.of("cat"), false, counter::add);
        try {
            exec.started().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            exec.terminate();
            throw e;
        }
        long start = System.nanoTime();
        exec.writeAllThenEnd(payload.bytes);
        int code = exitCode(exec);
        payload.verify("direct", counter.total, counter.crc.getValue());
        BenchException.check(code == 0, "direct echo: cat exited with " + code);
        return new Transfer(counter.total, counter.last - start);
    }

    @Override
    public long setupTrue() throws Exception {
        long start = System.nanoTime();
        DirectExec exec = DirectExec.start(vertx, launcher, List.of("true"), false, chunk -> { });
        int code = exitCode(exec);
        long elapsed = System.nanoTime() - start;
        BenchException.check(code == 0, "direct: true exited with " + code + " " + exec.otherOutput());
        return elapsed;
    }

    @Override
    public Echo openEcho() throws Exception {
        BlockingQueue<Buffer> back = new LinkedBlockingQueue<>();
        DirectExec exec = DirectExec.start(vertx, launcher, List.of("cat"), false, back::add);
        exec.started().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return new Echo() {
            @Override
            public long roundTrip(byte b) throws Exception {
                long start = System.nanoTime();
                exec.write(b);
                Buffer got = back.poll(30, TimeUnit.SECONDS);
                long elapsed = System.nanoTime() - start;
                BenchException.check(got != null && got.length() == 1 && got.getByte(0) == b,
                    "direct round trip: sent " + (b & 0xff) + ", got " + got);
                return elapsed;
            }

            @Override
            public void close() throws Exception {
                exec.endStdin();
                BenchException.check(exitCode(exec) == 0, "direct round trip: cat failed");
                BenchException.check(back.isEmpty(), "direct round trip: extra output");
            }
        };
    }

    private static int exitCode(DirectExec exec) throws Exception {
        try {
            return exec.exitCode().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            exec.terminate();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            streams.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            workers.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            docker.close();
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
