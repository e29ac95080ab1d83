package io.execbroker.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lookup on the real engine: the fixture's name and label through docker-java, and a missing container. */
class DockerContainerLookupIT {
    private static Vertx vertx;
    private static WorkerExecutor workers;
    private static DockerClient docker;
    private static DockerContainerLookup lookup;

    @BeforeAll
    static void start() {
        docker = DockerFixture.connect();
        vertx = Vertx.vertx();
        workers = vertx.createSharedWorkerExecutor("docker-control", 1);
        lookup = new DockerContainerLookup(docker, workers);
    }

    @AfterAll
    static void stop() throws Exception {
        workers.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        docker.close();
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void resolvesAnIdPrefixToTheRealNameAndLabels() throws Exception {
        String id = docker.inspectContainerCmd(DockerFixture.CONTAINER).exec().getId();
        ContainerInfo byPrefix = await(lookup.lookup(id.substring(0, 12)));
        assertThat(byPrefix.id()).isEqualTo(id);
        assertThat(byPrefix.name()).isEqualTo(DockerFixture.CONTAINER);
        assertThat(byPrefix.labels()).containsEntry("exec-broker.test", "true");
        assertThat(byPrefix.running()).isTrue();
        assertThat(await(lookup.lookup("/" + DockerFixture.CONTAINER))).isEqualTo(byPrefix);
    }

    @Test
    void missingContainerFailsWithContainerNotFound() {
        assertThatThrownBy(() -> await(lookup.lookup("no-such-container-" + ProcessHandle.current().pid())))
            .isInstanceOf(ExecutionException.class)
            .cause().isInstanceOf(ContainerNotFoundException.class)
            .hasMessageStartingWith("container not found: no-such-container-");
    }

    @Test
    void nameDockerCouldNotHoldIsNotFound() {
        assertThatThrownBy(() -> await(lookup.lookup("../../info?x=")))
            .cause().isInstanceOf(ContainerNotFoundException.class)
            .hasMessage("container not found: ../../info?x=");
    }

    @Test
    void policyWithALabelRuleAllowsTheFixture() throws Exception {
        PolicyRules rules = PolicyRules.ALLOW_ALL.withContainers(List.of("label:exec-broker.test=true"));
        ExecGrant grant = ExecGrant.builder(DockerFixture.CONTAINER, List.of("ls")).build();
        PolicyDecision decision = await(new ExecPolicy(rules, lookup).check(grant));
        assertThat(decision.allowed()).isTrue();
        assertThat(decision.container().map(ContainerInfo::name)).contains(DockerFixture.CONTAINER);
    }
}
