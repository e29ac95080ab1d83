package io.execbroker.broker.policy;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import io.execbroker.broker.docker.DockerErrors;
import io.execbroker.broker.ops.BrokerMetrics;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Looks containers up with docker-java's {@code inspectContainerCmd}. The call blocks, so it runs on the named
 * docker worker pool and {@link #lookup} returns immediately. A lookup Docker cannot answer fails with a
 * {@link DockerUnavailableException} that says why in a client's words. Thread safe.
 */
public final class DockerContainerLookup implements ContainerLookup {
    /**
     * What Docker accepts as a container name or id (prefix), with the optional leading slash. Anything else is
     * not found without asking Docker, so no grant can steer the request path with {@code /}, {@code ..} or
     * {@code ?}.
     */
    private static final Pattern NAME_OR_ID = Pattern.compile("/?[a-zA-Z0-9][a-zA-Z0-9_.-]*");

    private final DockerClient docker;
    private final WorkerExecutor workers;
    private final BrokerMetrics metrics;

    public DockerContainerLookup(DockerClient docker, WorkerExecutor workers) {
        this(docker, workers, BrokerMetrics.inMemory());
    }

    /** Reports each lookup's latency to {@code metrics}. */
    public DockerContainerLookup(DockerClient docker, WorkerExecutor workers, BrokerMetrics metrics) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.workers = Objects.requireNonNull(workers, "workers");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public Future<ContainerInfo> lookup(String nameOrId) {
        if (!NAME_OR_ID.matcher(nameOrId).matches()) {
            return Future.failedFuture(new ContainerNotFoundException(nameOrId));
        }
        return workers.executeBlocking(() -> metrics.dockerCall("container_inspect", () -> {
            try {
                return info(docker.inspectContainerCmd(nameOrId).exec());
            } catch (NotFoundException e) {
                throw new ContainerNotFoundException(nameOrId);
            } catch (RuntimeException e) {
                throw unavailable(e);
            }
        }), false);
    }

    /**
     * Says in a client's words why Docker could not answer, keeping the failure as the cause (for the log, and for
     * a failed TLS handshake, which the handshake reports as such): a status Docker answered with, a call that
     * timed out, or any other failure to reach it (no socket, connection refused or reset).
     */
    private static DockerUnavailableException unavailable(RuntimeException failure) {
        if (failure instanceof DockerException answered) {
            return new DockerUnavailableException("Docker answered the container lookup with status "
                + answered.getHttpStatus(), failure);
        }
        return new DockerUnavailableException(DockerErrors.unreachable(failure).orElse("Docker is unreachable"),
            failure);
    }

    private static ContainerInfo info(InspectContainerResponse container) {
        String name = container.getName() == null ? "" : container.getName();
        Map<String, String> labels = container.getConfig() == null ? null : container.getConfig().getLabels();
        boolean running = container.getState() != null && Boolean.TRUE.equals(container.getState().getRunning());
        return new ContainerInfo(container.getId(), name.startsWith("/") ? name.substring(1) : name, labels, running);
    }
}
