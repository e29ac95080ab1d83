package io.execbroker.broker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Container;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks once, at start, that the broker sees the Docker host's processes, which teardown needs (it signals the
 * pids Docker reports, and reads their {@code /proc} entries). Creates nothing: it inspects up to
 * {@link #CONTAINERS} running containers and looks for each one's main process, Docker's {@code State.Pid}, in
 * this broker's {@code /proc}, its cgroup naming the container. One found is enough. Thread safe.
 */
public final class HostPidCheck {
    private static final Logger LOG = LoggerFactory.getLogger(HostPidCheck.class);
    /** How many running containers are looked at before the answer is no. */
    private static final int CONTAINERS = 5;

    /** What the check found. */
    public enum Verdict {
        /** A container's main process is visible as one of its processes: teardown can signal and confirm. */
        VISIBLE,
        /** No container runs, so nothing could be checked. */
        UNKNOWN,
        /** Containers run, but none of their processes is visible: teardown cannot work. */
        INVISIBLE
    }

    /**
     * The outcome of the check.
     *
     * @param verdict what it found
     * @param detail what was seen, like {@code container web-1's pid 4242 is no process in this broker's /proc}
     */
    public record Result(Verdict verdict, String detail) {
    }

    private final DockerClient docker;
    private final WorkerExecutor workers;
    private final ProcessTable table;

    public HostPidCheck(DockerClient docker, WorkerExecutor workers, ProcessTable table) {
        this.docker = docker;
        this.workers = workers;
        this.table = table;
    }

    /** Runs the check on the worker pool; returns immediately. Fails if Docker cannot be asked. */
    public Future<Result> run() {
        return workers.executeBlocking(this::check, false);
    }

    /**
     * Logs {@code outcome}: an ERROR saying what will not work when the broker cannot see the containers' processes,
     * a WARN when it could not check.
     */
    public static void log(AsyncResult<Result> outcome) {
        if (outcome.failed()) {
            LOG.warn("cannot check that this broker sees the Docker host's processes (teardown needs them): {}",
                DockerErrors.describe(outcome.cause()));
            return;
        }
        Result result = outcome.result();
        switch (result.verdict()) {
            case VISIBLE -> LOG.info("teardown can see the containers' processes: {}", result.detail());
            case UNKNOWN -> LOG.warn("cannot check that this broker sees the Docker host's processes (teardown needs"
                + " them): {}", result.detail());
            case INVISIBLE -> LOG.error("this broker does not see the Docker host's processes ({}): teardown will not"
                + " work. A session that ends before its process does (client gone, idle or max duration, broker"
                + " stop) cannot kill it: the process and its children run on in the container, and the session ends"
                + " after 30 s with \"teardown\":\"unconfirmed\" in its audit record. Run the broker in the Docker"
                + " host's pid namespace (on the host, or docker run --pid=host, or hostPID: true)", result.detail());
            default -> throw new IllegalStateException("verdict " + result.verdict());
        }
    }

    private Result check() {
        List<Container> running = docker.listContainersCmd().withStatusFilter(List.of("running"))
            .withLimit(CONTAINERS).exec();
        if (running.isEmpty()) {
            return new Result(Verdict.UNKNOWN, "no container runs");
        }
        List<String> seen = new ArrayList<>();
        for (Container container : running) {
            InspectContainerResponse inspected = docker.inspectContainerCmd(container.getId()).exec();
            Long pid = inspected.getState().getPidLong();
            if (pid == null || pid <= 0) {
                continue; // it stopped meanwhile
            }
            String name = inspected.getName() == null ? container.getId() : inspected.getName().replaceFirst("^/", "");
            if (table.inContainer(pid, container.getId()).isPresent()) {
                return new Result(Verdict.VISIBLE, "container " + name + "'s pid " + pid + " is one of its processes"
                    + " in this broker's /proc");
            }
            seen.add("container " + name + "'s pid " + pid + (table.stat(pid).isPresent()
                ? " is a process of another cgroup" : " is no process") + " in this broker's /proc");
        }
        return seen.isEmpty() ? new Result(Verdict.UNKNOWN, "no container ran long enough to be inspected")
            : new Result(Verdict.INVISIBLE, String.join("; ", seen));
    }
}
