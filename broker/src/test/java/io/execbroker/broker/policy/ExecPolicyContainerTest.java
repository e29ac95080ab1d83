package io.execbroker.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.broker.policy.PolicyDecision.Rule;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Container rules: checked against what the lookup says the container is, never what the grant calls it. */
class ExecPolicyContainerTest {
    private static final ContainerInfo WEB = new ContainerInfo("3f2a9c01d4e5" + "0".repeat(52), "web-1",
        Map.of("env", "staging", "exec-broker.test", "true"), true);
    private static final ContainerInfo DB = new ContainerInfo("9b7e11aa2c3d" + "1".repeat(52), "db-1",
        Map.of("env", "production"), true);

    private final FakeContainerLookup lookup = new FakeContainerLookup(WEB, DB);

    private Future<PolicyDecision> checkFuture(List<String> containers, String container, String... argv) {
        PolicyRules rules = PolicyRules.ALLOW_ALL.withContainers(containers).withCommands(List.of(List.of("ls")));
        return new ExecPolicy(rules, lookup).check(ExecGrant.builder(container, List.of(argv)).build());
    }

    private PolicyDecision check(List<String> containers, String container) {
        Future<PolicyDecision> decision = checkFuture(containers, container, "ls");
        assertThat(decision.succeeded()).as("decided at once: %s", decision).isTrue();
        return decision.result();
    }

    @Test
    void matchesContainerByRealNameWhenTheGrantUsesAnId() {
        PolicyDecision byId = check(List.of("web-*"), WEB.id());
        assertThat(byId.allowed()).isTrue();
        assertThat(byId.container()).contains(WEB);
        assertThat(check(List.of("web-*"), "3f2a9c").container()).contains(WEB);
        assertThat(check(List.of("web-1"), "web-1").allowed()).isTrue();
    }

    @Test
    void anIdCannotDodgeANameRule() {
        PolicyDecision decision = check(List.of("web-*"), "9b7e11");
        assertThat(decision.refusedBy()).contains(Rule.CONTAINER);
        assertThat(decision.message())
            .isEqualTo("container \"db-1\" (the grant named it \"9b7e11\") matches no allowed container");
        assertThat(decision.container()).isEmpty();
    }

    @Test
    void refusesContainerMatchingNoRule() {
        PolicyDecision decision = check(List.of("web-2", "label:env=staging"), "db-1");
        assertThat(decision.refusedBy()).contains(Rule.CONTAINER);
        assertThat(decision.message()).isEqualTo("container \"db-1\" matches no allowed container");
    }

    @Test
    void matchesLabelSelector() {
        assertThat(check(List.of("label:exec-broker.test"), "web-1").allowed()).isTrue();
        assertThat(check(List.of("label:exec-broker.test"), "db-1").allowed()).isFalse();
        assertThat(check(List.of("label:env=staging"), "web-1").allowed()).isTrue();
    }

    @Test
    void labelSelectorWithAValueNeedsExactlyThatValue() {
        assertThat(check(List.of("label:env=production"), "web-1").allowed()).isFalse();
        assertThat(check(List.of("label:env=stag"), "web-1").allowed()).isFalse();
        assertThat(check(List.of("label:env="), "web-1").allowed()).isFalse();
    }

    @Test
    void refusesMissingContainer() {
        PolicyDecision decision = check(List.of("web-*"), "web-9");
        assertThat(decision.refusedBy()).contains(Rule.CONTAINER_NOT_FOUND);
        assertThat(decision.message()).isEqualTo("container not found: web-9");
    }

    @Test
    void failsWhenTheLookupCannotTell() {
        RuntimeException down = new RuntimeException("Docker unreachable");
        PolicyRules rules = PolicyRules.ALLOW_ALL.withContainers(List.of("web-*"));
        Future<PolicyDecision> decision = new ExecPolicy(rules, nameOrId -> Future.failedFuture(down))
            .check(ExecGrant.builder("web-1", List.of("ls")).build());
        assertThat(decision.failed()).isTrue();
        assertThat(decision.cause()).isSameAs(down);
    }

    @Test
    void checksTheGrantBeforeLookingTheContainerUp() {
        PolicyDecision decision = checkFuture(List.of("web-*"), "web-1", "rm", "-rf", "/").result();
        assertThat(decision.refusedBy()).contains(Rule.COMMAND);
        assertThat(lookup.calls()).isZero();
    }

    @Test
    void looksTheContainerUpWhateverTheGrantCallsItOnceAContainerRuleExists() {
        check(List.of("web-1"), "web-1");
        assertThat(lookup.calls()).isEqualTo(1);
    }
}
