package io.execbroker.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.broker.policy.PolicyDecision.Rule;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The rules that need only the grant. Container rules are in {@link ExecPolicyContainerTest}. */
class ExecPolicyTest {
    private final FakeContainerLookup lookup = new FakeContainerLookup();

    private PolicyDecision check(PolicyRules rules, ExecGrant.Builder grant) {
        Future<PolicyDecision> decision = new ExecPolicy(rules, lookup).check(grant.build());
        assertThat(decision.succeeded()).as("decided at once: %s", decision).isTrue();
        return decision.result();
    }

    private PolicyDecision command(PolicyRules rules, String... argv) {
        return check(rules, ExecGrant.builder("web-1", List.of(argv)));
    }

    private static PolicyRules commands(List<List<String>> patterns) {
        return PolicyRules.ALLOW_ALL.withCommands(patterns);
    }

    @Test
    void allowsEverythingWhenNoRulesAreConfigured() {
        PolicyDecision decision = check(PolicyRules.ALLOW_ALL, ExecGrant.builder("anything", List.of("rm", "-rf", "/"))
            .tty(true).user("0").env(Map.of("LD_PRELOAD", "/tmp/x.so")));
        assertThat(decision).isEqualTo(new PolicyDecision(Optional.empty(), "allowed", Optional.empty()));
        assertThat(decision.allowed()).isTrue();
        assertThat(lookup.calls()).isZero();
    }

    @Test
    void refusesCommandOutsideEveryPattern() {
        PolicyDecision decision = command(commands(List.of(List.of("/bin/sh"), List.of("ps", "aux"))), "rm", "-rf", "/");
        assertThat(decision.allowed()).isFalse();
        assertThat(decision.refusedBy()).contains(Rule.COMMAND);
        assertThat(decision.message()).isEqualTo("command [rm, -rf, /] matches no allowed command pattern");
    }

    @Test
    void exactPatternNeedsEveryArgumentAndNoMore() {
        PolicyRules rules = commands(List.of(List.of("ps", "aux")));
        assertThat(command(rules, "ps", "aux").allowed()).isTrue();
        assertThat(command(rules, "ps").allowed()).isFalse();
        assertThat(command(rules, "ps", "aux", "-o", "pid").allowed()).isFalse();
        assertThat(command(rules, "/bin/ps", "aux").allowed()).isFalse();
    }

    @Test
    void globMatchesOneArgumentOnly() {
        PolicyRules rules = commands(List.of(List.of("cat", "/var/log/*")));
        assertThat(command(rules, "cat", "/var/log/syslog").allowed()).isTrue();
        assertThat(command(rules, "cat", "/var/log/syslog", "/etc/shadow").allowed()).isFalse();
        assertThat(command(rules, "cat", "/var/log/nginx/access.log").allowed()).isFalse();
        assertThat(command(rules, "cat").allowed()).isFalse();
    }

    @Test
    void globNeverClimbsOutOfItsDirectory() {
        PolicyRules rules = commands(List.of(List.of("cat", "/var/log/*"), List.of("ls", "/srv/*/*")));
        assertThat(command(rules, "cat", "/var/log/../../etc/shadow").allowed()).isFalse();
        assertThat(command(rules, "cat", "/var/log/..").allowed()).isFalse();
        assertThat(command(rules, "ls", "/srv/../etc").allowed()).isFalse();
        assertThat(command(rules, "ls", "/srv/app/data").allowed()).isTrue();
    }

    @Test
    void questionMarkMatchesExactlyOneCharacter() {
        PolicyRules rules = commands(List.of(List.of("tail", "/var/log/app.?")));
        assertThat(command(rules, "tail", "/var/log/app.1").allowed()).isTrue();
        assertThat(command(rules, "tail", "/var/log/app.").allowed()).isFalse();
        assertThat(command(rules, "tail", "/var/log/app.12").allowed()).isFalse();
    }

    @Test
    void doubleStarMatchesAnyFurtherArguments() {
        PolicyRules rules = commands(List.of(List.of("/usr/bin/*", "**")));
        assertThat(command(rules, "/usr/bin/id").allowed()).isTrue();
        assertThat(command(rules, "/usr/bin/find", "/", "-name", "*.log").allowed()).isTrue();
        assertThat(command(rules, "/bin/sh", "-c", "id").allowed()).isFalse();
        assertThat(command(rules, "/usr/bin/../../bin/sh").allowed()).isFalse();
    }

    @Test
    void refusesTtyWhenTtyIsNotAllowed() {
        PolicyRules rules = PolicyRules.ALLOW_ALL.withTty(TtyRule.FORBIDDEN);
        PolicyDecision decision = check(rules, ExecGrant.builder("web-1", List.of("sh")).tty(true));
        assertThat(decision.refusedBy()).contains(Rule.TTY);
        assertThat(decision.message()).isEqualTo("tty: true (expected: false)");
        assertThat(check(rules, ExecGrant.builder("web-1", List.of("sh"))).allowed()).isTrue();
    }

    @Test
    void refusesGrantWithoutTtyWhenTtyIsRequired() {
        PolicyRules rules = PolicyRules.ALLOW_ALL.withTty(TtyRule.REQUIRED);
        assertThat(check(rules, ExecGrant.builder("web-1", List.of("sh"))).message())
            .isEqualTo("tty: false (expected: true)");
        assertThat(check(rules, ExecGrant.builder("web-1", List.of("sh")).tty(true)).allowed()).isTrue();
    }

    @Test
    void refusesUnlistedUser() {
        PolicyRules rules = PolicyRules.ALLOW_ALL.withUsers(List.of("1000", "app"), true);
        PolicyDecision decision = check(rules, ExecGrant.builder("web-1", List.of("id")).user("0"));
        assertThat(decision.refusedBy()).contains(Rule.USER);
        assertThat(decision.message()).isEqualTo("user \"0\" is not an allowed user");
        assertThat(check(rules, ExecGrant.builder("web-1", List.of("id")).user("root")).allowed()).isFalse();
        assertThat(check(rules, ExecGrant.builder("web-1", List.of("id")).user("app:root")).allowed()).isFalse();
        assertThat(check(rules, ExecGrant.builder("web-1", List.of("id")).user("app")).allowed()).isTrue();
    }

    @Test
    void refusesTheContainersDefaultUserUnlessAllowed() {
        PolicyRules rules = PolicyRules.ALLOW_ALL.withUsers(List.of(), false);
        PolicyDecision decision = check(rules, ExecGrant.builder("web-1", List.of("id")));
        assertThat(decision.refusedBy()).contains(Rule.USER);
        assertThat(decision.message()).isEqualTo("user unset (the container's default user) is not allowed");
        assertThat(check(rules, ExecGrant.builder("web-1", List.of("id")).user("1000")).allowed()).isTrue();
    }

    @Test
    void refusesUnlistedEnvKeyWithoutShowingItsValue() {
        PolicyRules rules = PolicyRules.ALLOW_ALL.withEnvKeys(List.of("LANG", "APP_*"));
        PolicyDecision decision = check(rules, ExecGrant.builder("web-1", List.of("env"))
            .env(Map.of("LANG", "C.UTF-8", "APP_MODE", "debug", "AWS_SECRET_ACCESS_KEY", "hunter2")));
        assertThat(decision.refusedBy()).contains(Rule.ENV);
        assertThat(decision.message()).isEqualTo("env key \"AWS_SECRET_ACCESS_KEY\" matches no allowed env key pattern");
        assertThat(decision.toString()).doesNotContain("hunter2");
        assertThat(check(rules, ExecGrant.builder("web-1", List.of("env")).env(Map.of("APP_MODE", "x"))).allowed())
            .isTrue();
    }

    @Test
    void quotesGrantValuesCutShortAndOnOneLine() {
        String message = command(commands(List.of(List.of("ps"))), "sh", "-c", "x\nforged line" + "y".repeat(500))
            .message();
        assertThat(message).doesNotContain("\n").contains("x?forged line").hasSizeLessThan(300);
    }

    @Test
    void grantsCannotAskForPrivilegedExec() {
        // Privileged exec is never granted: no grant field may carry it (DockerControl sets withPrivileged(false)).
        assertThat(Arrays.stream(ExecGrant.class.getRecordComponents()).map(RecordComponent::getName))
            .noneMatch(name -> name.matches("(?i).*privileged.*|cap(s|Add|abilities).*"));
    }
}
