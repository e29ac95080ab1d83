package io.execbroker.broker.bench;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import io.execbroker.broker.docker.DockerClients;
import io.execbroker.broker.testing.DockerFixture;

import java.time.Duration;

/** Checks, before anything starts, that the Docker engine answers and that {@code servertest} runs. */
final class Preflight {
    private static final String FIX = "run deploy/dev/docker-fixture.sh first";

    private Preflight() {
    }

    /** Returns a client of the engine (close it), or throws saying what is missing and how to fix it. */
    static DockerClient check() {
        DefaultDockerClientConfig config = DockerClients.configFromEnvironment();
        DockerClient docker = DockerClients.create(config, Duration.ofSeconds(10));
        try {
            try {
                docker.pingCmd().exec();
            } catch (RuntimeException e) {
                throw new BenchException("no Docker engine answers at " + config.getDockerHost() + " (" + e.getMessage()
                    + "): " + FIX, e);
            }
            InspectContainerResponse container;
            try {
                container = docker.inspectContainerCmd(DockerFixture.CONTAINER).exec();
            } catch (NotFoundException e) {
                throw new BenchException("there is no container " + DockerFixture.CONTAINER + ": " + FIX, e);
            }
            BenchException.check(Boolean.TRUE.equals(container.getState().getRunning()),
                "container " + DockerFixture.CONTAINER + " is not running: " + FIX);
            return docker;
        } catch (RuntimeException e) {
            closeQuietly(docker);
            throw e;
        }
    }

    /** Returns the engine's version, like {@code 20.10.24}. */
    static String engineVersion(DockerClient docker) {
        return docker.versionCmd().exec().getVersion();
    }

    private static void closeQuietly(DockerClient docker) {
        try {
            docker.close();
        } catch (Exception ignored) {
            // nothing more to say than the failure being thrown
        }
    }
}
