package io.execbroker.sample.browser;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A container of the test image that no demo user holds a grant for: it starts, exits 3 at once (events
 * {@code start} and {@code die}) and is removed on {@link #close()}. Labelled {@code exec-broker.test=throwaway}.
 */
final class ThrowawayContainer implements AutoCloseable {
    static final String IMAGE = "exec-broker-test";

    private final DockerClient docker;
    final String name;
    private final String id;

    private ThrowawayContainer(DockerClient docker, String name, String id) {
        this.docker = docker;
        this.name = name;
        this.id = id;
    }

    /** Creates, starts and waits for the exit of a new container named {@code sample-events-other-<random>}. */
    static ThrowawayContainer runOnce(DockerClient docker) {
        String name = "sample-events-other-" + UUID.randomUUID().toString().substring(0, 8);
        String id = docker.createContainerCmd(IMAGE).withName(name).withCmd("/bin/sh", "-c", "exit 3")
            .withLabels(Map.of("exec-broker.test", "throwaway")).exec().getId();
        ThrowawayContainer container = new ThrowawayContainer(docker, name, id);
        try {
            docker.startContainerCmd(id).exec();
            Integer status = docker.waitContainerCmd(id).start().awaitStatusCode(30, TimeUnit.SECONDS);
            if (status == null || status != 3) {
                throw new AssertionError(name + " exited with " + status + " (expected: 3)");
            }
        } catch (RuntimeException | AssertionError e) {
            container.close();
            throw e;
        }
        return container;
    }

    @Override
    public void close() {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException e) {
            // already gone: nothing to clean up
        }
    }
}
