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
import java.util.function.Consumer;
import java.util.concurrent.TimeUnit;

/**
 * The direct column: a Docker API client with no broker in between. It is the broker's own Docker layer
 * ({@link DockerControl} for exec create and inspect, {@link io.execbroker.broker.docker.ExecStream} for the
 * hijacked stream), wired as {@code Broker.start} wires it, on its own Vertx instance (threads named
 * {@value #THREAD_PREFIX}*). See {@link DirectExec}.
 */
final class DirectSubject extends ExecSubject {
    static final String THREAD_PREFIX = "bench-direct-";

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
    protected BenchExec start(List<String> argv, boolean tty, Consumer<Buffer> stdout) {
        return DirectExec.start(vertx, launcher, argv, tty, stdout);
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
