package io.execbroker.broker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.ExecCreateCmd;
import com.github.dockerjava.api.command.InspectExecResponse;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

/**
 * The control plane of docker exec through docker-java: create, inspect, resize, container lookups. Every call
 * blocks, so each runs on the named worker pool and returns a future immediately. Thread safe.
 */
public final class DockerControl {
    private final DockerClient docker;
    private final WorkerExecutor workers;

    public DockerControl(DockerClient docker, WorkerExecutor workers) {
        this.docker = docker;
        this.workers = workers;
    }

    /** Creates (does not start) an exec for {@code grant}; returns its id. Never privileged. */
    public Future<String> createExec(ExecGrant grant) {
        return call(() -> {
            ExecCreateCmd cmd = docker.execCreateCmd(grant.container())
                .withCmd(grant.command().toArray(String[]::new))
                .withTty(grant.tty())
                .withAttachStdin(true)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withPrivileged(false);
            grant.user().ifPresent(cmd::withUser);
            grant.workdir().ifPresent(cmd::withWorkingDir);
            if (!grant.env().isEmpty()) {
                cmd.withEnv(env(grant.env()));
            }
            return cmd.exec().getId();
        });
    }

    public Future<ExecState> inspect(String execId) {
        return call(() -> {
            InspectExecResponse r = docker.inspectExecCmd(execId).exec();
            Long exit = r.getExitCodeLong();
            Long pid = r.getPidLong();
            return new ExecState(Boolean.TRUE.equals(r.isRunning()), pid == null ? 0 : pid,
                exit == null ? OptionalLong.empty() : OptionalLong.of(exit), r.getContainerID());
        });
    }

    /** Pings Docker: completes once it answered, fails with the reason it could not be reached. */
    public Future<Void> ping() {
        return call(() -> {
            docker.pingCmd().exec();
            return null;
        });
    }

    /** Resizes the tty of exec {@code execId}. */
    public Future<Void> resize(String execId, int rows, int cols) {
        return call(() -> {
            docker.resizeExecCmd(execId).withSize(rows, cols).exec();
            return null;
        });
    }

    private static List<String> env(Map<String, String> env) {
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    private <T> Future<T> call(Callable<T> blocking) {
        return workers.executeBlocking(blocking, false);
    }
}
