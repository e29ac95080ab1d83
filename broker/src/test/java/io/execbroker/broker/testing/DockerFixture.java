package io.execbroker.broker.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DockerClientConfig;
import io.execbroker.broker.docker.DockerClients;

import java.time.Duration;

/**
 * The real Docker engine that {@code deploy/dev/docker-fixture.sh} prepares: the test image and the long-running
 * {@code servertest} container. Integration tests fail, never skip, when it is missing.
 */
public final class DockerFixture {
    /** The container the fixture keeps running (the name the original project's tests use). */
    public static final String CONTAINER = "servertest";
    /** The image built FROM scratch with busybox and bash. */
    public static final String IMAGE = "exec-broker-test:latest";

    private DockerFixture() {
    }

    /**
     * Returns a client for the engine the environment names, after checking that it answers.
     *
     * @throws AssertionError saying how to start the engine when it does not answer
     */
    public static DockerClient connect() {
        return connect(DockerClients.configFromEnvironment());
    }

    /** Returns a client for the engine {@code config} names, after checking that it answers. */
    public static DockerClient connect(DockerClientConfig config) {
        DockerClient docker = DockerClients.create(config, Duration.ofSeconds(30));
        try {
            docker.pingCmd().exec();
        } catch (RuntimeException e) {
            throw new AssertionError("No Docker engine answers at " + config.getDockerHost()
                + ": run deploy/dev/docker-fixture.sh first (or pass -DskipITs to skip integration tests)", e);
        }
        return docker;
    }
}
