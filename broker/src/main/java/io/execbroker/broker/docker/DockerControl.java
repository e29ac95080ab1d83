package io.execbroker.broker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.ExecCreateCmd;
import com.github.dockerjava.api.command.InspectExecResponse;
import io.execbroker.broker.ops.BrokerMetrics;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * The control plane of docker exec through docker-java: create, inspect, resize, container lookups. Every call
 * blocks, so each runs on the named worker pool and returns a future immediately. Thread safe.
 */
public final class DockerControl {
    private final DockerClient docker;
    private final WorkerExecutor workers;
    private final BrokerMetrics metrics;
    private final Optional<ExecMark> mark;

    public DockerControl(DockerClient docker, WorkerExecutor workers) {
        this(docker, workers, BrokerMetrics.inMemory(), Optional.empty());
    }

    /**
     * Reports each call's latency to {@code metrics}, and gives every exec it creates {@code mark} in its
     * environment, so that what a killed broker leaves can be found ({@link OrphanSweep}).
     */
    public DockerControl(DockerClient docker, WorkerExecutor workers, BrokerMetrics metrics, Optional<ExecMark> mark) {
        this.docker = docker;
        this.workers = workers;
        this.metrics = metrics;
        this.mark = mark;
    }

    /** Creates (does not start) an exec for {@code grant}; returns its id. Never privileged. */
    public Future<String> createExec(ExecGrant grant) {
        return call("exec_create", () -> {
            ExecCreateCmd cmd = docker.execCreateCmd(grant.container())
                .withCmd(grant.command().toArray(String[]::new))
                .withTty(grant.tty())
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withPrivileged(false);
            grant.user().ifPresent(cmd::withUser);
            grant.workdir().ifPresent(cmd::withWorkingDir);
            List<String> env = env(grant.env());
            mark.ifPresent(m -> env.add(m.env()));
            if (!env.isEmpty()) {
                cmd.withEnv(env);
            }
            return cmd.exec().getId();
        });
    }

    public Future<ExecState> inspect(String execId) {
        return call("exec_inspect", () -> {
            InspectExecResponse r = docker.inspectExecCmd(execId).exec();
            Long exit = r.getExitCodeLong();
            Long pid = r.getPidLong();
            return new ExecState(Boolean.TRUE.equals(r.isRunning()), pid == null ? 0 : pid,
                exit == null ? OptionalLong.empty() : OptionalLong.of(exit), r.getContainerID());
        });
    }

    /** Resizes the tty of exec {@code execId}. */
    public Future<Void> resize(String execId, int rows, int cols) {
        return call("exec_resize", () -> {
            docker.resizeExecCmd(execId).withSize(rows, cols).exec();
            return null;
        });
    }

    /** Pings Docker ({@code GET /_ping}): completes once it answered, fails with the reason it could not be reached. */
    public Future<Void> ping() {
        return call("ping", () -> {
            docker.pingCmd().exec();
            return null;
        });
    }

    /** The grant's environment, never with a mark of its own: only the broker marks an exec. */
    private static List<String> env(Map<String, String> env) {
        return env.entrySet().stream().filter(e -> !e.getKey().equals(ExecMark.NAME))
            .map(e -> e.getKey() + "=" + e.getValue()).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    }

    /** Runs {@code blocking} on the workers; its time (the call alone, not the wait for a worker) is measured. */
    private <T> Future<T> call(String operation, Callable<T> blocking) {
        return workers.executeBlocking(() -> metrics.dockerCall(operation, blocking), false);
    }
}
