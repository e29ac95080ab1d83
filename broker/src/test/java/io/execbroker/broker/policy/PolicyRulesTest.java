package io.execbroker.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class PolicyRulesTest {
    private static final PolicyRules NONE = PolicyRules.ALLOW_ALL;

    @Test
    void allowAllConfiguresNoRule() {
        assertThat(NONE.containers()).isEmpty();
        assertThat(NONE.commands()).isEmpty();
        assertThat(NONE.tty()).isEqualTo(TtyRule.ANY);
        assertThat(NONE.users()).isEmpty();
        assertThat(NONE.allowDefaultUser()).isTrue();
        assertThat(NONE.envKeys()).isEmpty();
    }

    @Test
    void validatesRulesNamingTheBadKey() {
        assertThatThrownBy(() -> NONE.withContainers(List.of("web-1", "label:")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("containers[1]: \"label:\" (expected: label:key or label:key=value)");
        assertThatThrownBy(() -> NONE.withContainers(List.of("/web-1")))
            .hasMessage("containers[0]: \"/web-1\" (expected: a name without a leading slash, a glob like web-*,"
                + " label:key or label:key=value)");
        assertThatThrownBy(() -> NONE.withCommands(List.of(List.of("ls"), List.of())))
            .hasMessage("commands[1]: [] (expected: at least the program)");
        assertThatThrownBy(() -> NONE.withCommands(List.of(Arrays.asList("cat", null))))
            .hasMessage("commands[0][1]: null (expected: a string or a glob)");
        assertThatThrownBy(() -> NONE.withUsers(List.of("1000", ""), false))
            .hasMessage("users[1]: \"\" (expected: a non-empty string)");
        assertThatThrownBy(() -> NONE.withEnvKeys(List.of("LANG=C")))
            .hasMessage("envKeys[0]: \"LANG=C\" (expected: a name or glob without '=')");
    }

    @Test
    void doubleStarOnlyEndsAPatternAfterTheProgram() {
        assertThatThrownBy(() -> NONE.withCommands(List.of(List.of("sh", "**", "-c"))))
            .hasMessage("commands[0][1]: \"**\" (expected: ** only as the last element)");
        assertThatThrownBy(() -> NONE.withCommands(List.of(List.of("**"))))
            .hasMessage("commands[0][0]: \"**\" (expected: the program before **)");
    }

    @Test
    void ttyAllowedReadsTrueFalseOrAny() {
        assertThat(TtyRule.parse("any")).isEqualTo(TtyRule.ANY);
        assertThat(TtyRule.parse("true")).isEqualTo(TtyRule.REQUIRED);
        assertThat(TtyRule.parse("false")).isEqualTo(TtyRule.FORBIDDEN);
        assertThatThrownBy(() -> TtyRule.parse("yes"))
            .hasMessage("ttyAllowed: \"yes\" (expected: true, false or any)");
    }

    @Test
    void copiesListsIn() {
        List<String> argv = new ArrayList<>(List.of("ls"));
        List<List<String>> commands = new ArrayList<>(List.of(argv));
        PolicyRules rules = NONE.withCommands(commands);
        argv.add("-la");
        commands.add(List.of("sh"));
        assertThat(rules.commands()).containsExactly(List.of("ls"));
        assertThatThrownBy(() -> rules.commands().get(0).add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
