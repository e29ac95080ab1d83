package io.execbroker.broker.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.broker.policy.ExecPolicy;
import io.execbroker.broker.policy.PolicyRules;
import io.execbroker.protocol.grant.EventScope;
import io.vertx.core.Future;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class WatchScopeTest {
    private static final ExecPolicy OPEN = new ExecPolicy(PolicyRules.ALLOW_ALL,
        name -> Future.failedFuture("never looked up"));

    private static DockerEvent container(String name, Map<String, String> labels) {
        Map<String, String> attributes = new HashMap<>(labels);
        if (name != null) {
            attributes.put("name", name);
        }
        attributes.put("image", "busybox");
        return new DockerEvent("{}", "container", "start", "id1", attributes, 1L);
    }

    private static WatchScope scope(List<String> containers, List<String> labels, Set<String> types, ExecPolicy policy) {
        return new WatchScope(new EventScope(containers, labels, types), policy);
    }

    @Test
    void matchesTheRealNameByGlob() {
        WatchScope scope = scope(List.of("web-*"), List.of(), Set.of("container"), OPEN);
        assertThat(scope.allows(container("web-1", Map.of()))).isTrue();
        assertThat(scope.allows(container("db-1", Map.of()))).isFalse();
        assertThat(scope.allows(container(null, Map.of()))).as("no name, no event").isFalse();
    }

    @Test
    void aRenameOutOfScopeIsNotSeen() {
        WatchScope scope = scope(List.of("web-1"), List.of(), Set.of("container"), OPEN);
        DockerEvent rename = new DockerEvent("{}", "container", "rename", "id1",
            Map.of("name", "other", "oldName", "/web-1"), 2L);
        assertThat(scope.allows(rename)).isFalse();
    }

    @Test
    void everyScopeLabelMustBeThereAndDockersOwnKeysAreNoLabels() {
        WatchScope scope = scope(List.of(), List.of("team=a", "app"), Set.of("container"), OPEN);
        assertThat(scope.allows(container("x", Map.of("team", "a", "app", "1")))).isTrue();
        assertThat(scope.allows(container("x", Map.of("team", "a")))).isFalse();
        ExecPolicy byImageLabel = new ExecPolicy(PolicyRules.ALLOW_ALL.withContainers(List.of("label:image")),
            name -> Future.failedFuture("never looked up"));
        assertThat(scope(List.of("*"), List.of(), Set.of("container"), byImageLabel).allows(container("x", Map.of())))
            .as("Docker's image attribute is not a label").isFalse();
    }

    @Test
    void otherTypesPassOnlyWhenTheScopeNamesThem() {
        DockerEvent image = new DockerEvent("{}", "image", "pull", "busybox", Map.of("name", "busybox"), 1L);
        DockerEvent network = new DockerEvent("{}", "network", "connect", "n1", Map.of("container", "id1"), 1L);
        WatchScope containers = scope(List.of("*"), List.of(), Set.of("container"), OPEN);
        assertThat(containers.allows(image)).isFalse();
        assertThat(containers.allows(network)).isFalse();
        assertThat(scope(List.of("*"), List.of(), Set.of("container", "image"), OPEN).allows(image)).isTrue();
    }

    @Test
    void eventsOfOtherTypesThatNameAContainerPassOnlyWhenNoRuleRestrictsContainers() {
        // A network connect names its container by id alone: nothing to check a name or label rule against.
        DockerEvent connect = new DockerEvent("{}", "network", "connect", "n1", Map.of("container", "id1"), 1L);
        DockerEvent create = new DockerEvent("{}", "network", "create", "n1", Map.of("name", "net"), 1L);
        Set<String> types = Set.of("container", "network");
        ExecPolicy webOnly = new ExecPolicy(PolicyRules.ALLOW_ALL.withContainers(List.of("web-*")),
            name -> Future.failedFuture("never looked up"));
        assertThat(scope(List.of("*"), List.of(), types, OPEN).allows(connect)).isTrue();
        assertThat(scope(List.of("web-*"), List.of(), types, OPEN).allows(connect)).isFalse();
        assertThat(scope(List.of("*"), List.of("team=a"), types, OPEN).allows(connect)).isFalse();
        assertThat(scope(List.of("*"), List.of(), types, webOnly).allows(connect)).isFalse();
        assertThat(scope(List.of("web-*"), List.of(), types, webOnly).allows(create)).as("names no container").isTrue();
    }

    @Test
    void theBrokersPolicyBoundsTheScope() {
        ExecPolicy webOnly = new ExecPolicy(PolicyRules.ALLOW_ALL.withContainers(List.of("web-*", "label:ok=yes")),
            name -> Future.failedFuture("never looked up"));
        WatchScope everything = scope(List.of("*"), List.of(), Set.of("container"), webOnly);
        assertThat(everything.allows(container("web-1", Map.of()))).isTrue();
        assertThat(everything.allows(container("db-1", Map.of()))).isFalse();
        assertThat(everything.allows(container("db-1", Map.of("ok", "yes")))).isTrue();
    }
}
