package io.execbroker.sample.browser;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.okhttp.OkDockerHttpClient;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The execs Docker knows in the fixture container (a refusal before the upgrade must add none), and an exec run
 * there straight through Docker, as an event for the events panel.
 */
final class FixtureExecs implements AutoCloseable {
    static final String CONTAINER = "servertest";

    private final DockerClient docker;

    FixtureExecs() {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        docker = DockerClientImpl.getInstance(config,
            new OkDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
    }

    Set<String> ids() {
        List<String> ids = docker.inspectContainerCmd(CONTAINER).exec().getExecIds();
        return ids == null ? Set.of() : Set.copyOf(ids);
    }

    /** Runs {@code command} in the fixture container, detached, through Docker's API; returns the exec's id. */
    String run(String... command) throws InterruptedException {
        String id = docker.execCreateCmd(CONTAINER).withCmd(command).exec().getId();
        docker.execStartCmd(id).withDetach(true).exec(new ResultCallback.Adapter<>()).awaitCompletion(30,
            TimeUnit.SECONDS);
        return id;
    }

    /** The Docker client, for the tests' own throwaway containers. */
    DockerClient docker() {
        return docker;
    }

    @Override
    public void close() throws IOException {
        docker.close();
    }
}
