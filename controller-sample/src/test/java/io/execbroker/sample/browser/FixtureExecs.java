package io.execbroker.sample.browser;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.okhttp.OkDockerHttpClient;

import java.io.IOException;
import java.util.List;
import java.util.Set;

/** The execs Docker knows in the fixture container: a refusal before the upgrade must add none. */
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

    @Override
    public void close() throws IOException {
        docker.close();
    }
}
