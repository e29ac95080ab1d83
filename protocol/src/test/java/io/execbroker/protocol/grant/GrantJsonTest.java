package io.execbroker.protocol.grant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GrantJsonTest {
    private static final String FULL = """
        {"container":"web-1","command":["/bin/sh","-c","ls"],"tty":true,"user":"1000","workdir":"/",\
        "env":{"TERM":"xterm","A":"b"},"subject":"alice",\
        "limits":{"idleTimeoutSeconds":600,"maxDurationSeconds":3600}}""";

    @Test
    void parsesEveryFieldOfTheDesignExample() {
        ExecGrant grant = GrantJson.parse(FULL, null);
        assertThat(grant.container()).isEqualTo("web-1");
        assertThat(grant.command()).containsExactly("/bin/sh", "-c", "ls");
        assertThat(grant.tty()).isTrue();
        assertThat(grant.user()).contains("1000");
        assertThat(grant.workdir()).contains("/");
        assertThat(grant.env()).containsExactly(Map.entry("A", "b"), Map.entry("TERM", "xterm"));
        assertThat(grant.subject()).contains("alice");
        assertThat(grant.limits().idleTimeout()).contains(Duration.ofSeconds(600));
        assertThat(grant.limits().maxDuration()).contains(Duration.ofHours(1));
    }

    @Test
    void onlyContainerAndCommandAreRequired() {
        ExecGrant grant = GrantJson.parse("{\"container\":\"c\",\"command\":[\"ps\"]}", null);
        assertThat(grant.tty()).isFalse();
        assertThat(grant.user()).isEmpty();
        assertThat(grant.workdir()).isEmpty();
        assertThat(grant.env()).isEmpty();
        assertThat(grant.subject()).isEmpty();
        assertThat(grant.limits()).isEqualTo(GrantLimits.NONE);
    }

    @Test
    void nullMeansNotSetForOptionalFields() {
        ExecGrant grant = GrantJson.parse(
            "{\"container\":\"c\",\"command\":[\"ps\"],\"tty\":null,\"user\":null,\"env\":null,\"limits\":null}", null);
        assertThat(grant.tty()).isFalse();
        assertThat(grant.user()).isEmpty();
    }

    @Test
    void acceptsTheWsSubprocessFormWithTheDefaultContainer() {
        ExecGrant grant = GrantJson.parse("{\"command\":\"/usr/bin/nano\",\"args\":[\"-v\",\"\"]}", "servertest");
        assertThat(grant.container()).isEqualTo("servertest");
        assertThat(grant.command()).containsExactly("/usr/bin/nano", "-v", "");
    }

    @Test
    void acceptsTheWsSubprocessFormWithoutArgs() {
        assertThat(GrantJson.parse("{\"command\":\"/bin/ls\"}", "d").command()).containsExactly("/bin/ls");
    }

    @Test
    void namedContainerWinsOverTheDefault() {
        assertThat(GrantJson.parse("{\"container\":\"x\",\"command\":[\"ps\"]}", "d").container()).isEqualTo("x");
    }

    @Test
    void roundTripsThroughTheCanonicalForm() {
        ExecGrant grant = GrantJson.parse(FULL, null);
        String json = GrantJson.toJson(grant);
        assertThat(json).isEqualTo("{\"container\":\"web-1\",\"command\":[\"/bin/sh\",\"-c\",\"ls\"],\"tty\":true,"
            + "\"user\":\"1000\",\"workdir\":\"/\",\"env\":{\"A\":\"b\",\"TERM\":\"xterm\"},\"subject\":\"alice\","
            + "\"limits\":{\"idleTimeoutSeconds\":600,\"maxDurationSeconds\":3600}}");
        assertThat(GrantJson.parse(json, null)).isEqualTo(grant);
    }

    @Test
    void canonicalFormLeavesUnsetFieldsOut() {
        ExecGrant grant = ExecGrant.builder("c", List.of("ps", "aux")).build();
        assertThat(GrantJson.toJson(grant)).isEqualTo("{\"container\":\"c\",\"command\":[\"ps\",\"aux\"],\"tty\":false}");
    }

    @Test
    void ignoresUnknownFields() {
        assertThat(GrantJson.parse("{\"container\":\"c\",\"command\":[\"ps\"],\"x-note\":{\"a\":[1,2]}}", null)
            .command()).containsExactly("ps");
    }

    static Stream<Arguments> invalid() {
        String deep = "[".repeat(100) + "]".repeat(100);
        return Stream.of(
            Arguments.of("", "", "empty document (expected: a JSON object)"),
            Arguments.of("   ", "", "empty document (expected: a JSON object)"),
            Arguments.of("[]", "", "a JSON array (expected: an object)"),
            Arguments.of("\"x\"", "", "a JSON string (expected: an object)"),
            Arguments.of("null", "", "a JSON null (expected: an object)"),
            Arguments.of("{\"command\":[\"ps\"]}", "container",
                "missing (expected: a string, as no default container is set)"),
            Arguments.of("{\"container\":7,\"command\":[\"ps\"]}", "container", "a number (expected: a string)"),
            Arguments.of("{\"container\":\"\",\"command\":[\"ps\"]}", "container",
                "empty (expected: a container name or id)"),
            Arguments.of("{\"container\":\"c\"}", "command", "missing (expected: an array of strings)"),
            Arguments.of("{\"container\":\"c\",\"command\":null}", "command", "missing (expected: an array of strings)"),
            Arguments.of("{\"container\":\"c\",\"command\":[]}", "command",
                "empty (expected: at least the program to run)"),
            Arguments.of("{\"container\":\"c\",\"command\":{\"a\":1}}", "command",
                "a object (expected: an array of strings)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\",1]}", "command[1]", "a number (expected: a string)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\",null]}", "command[1]", "a null (expected: a string)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\",[\"x\"]]}", "command[1]",
                "a array (expected: a string)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"\"]}", "command[0]", "empty (expected: the program to run)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\",\"a\\u0000b\"]}", "command[1]", "contains a NUL byte"),
            Arguments.of("{\"container\":\"c\",\"command\":\"ls\"}", "command",
                "\"ls\" (expected: an absolute path with \"args\", or an array of strings)"),
            Arguments.of("{\"container\":\"c\",\"command\":\"/bin/ls\",\"args\":\"-l\"}", "args",
                "a string (expected: an array of strings)"),
            Arguments.of("{\"container\":\"c\",\"command\":\"/bin/ls\",\"args\":[true]}", "args[0]",
                "a boolean (expected: a string)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"args\":[\"-l\"]}", "args",
                "only allowed with a string \"command\""),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"tty\":\"true\"}", "tty",
                "a string (expected: true or false)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"user\":1000}", "user", "a number (expected: a string)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"user\":\"\"}", "user",
                "empty (expected: a value, or leave the field out)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"workdir\":\"tmp\"}", "workdir",
                "\"tmp\" (expected: an absolute path)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"env\":[\"A=b\"]}", "env",
                "a array (expected: an object of strings)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"env\":{\"A\":1}}", "env.A", "a number (expected: a string)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"env\":{\"A=B\":\"x\"}}", "env",
                "key \"A=B\" (expected: non-empty, without '=')"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"limits\":{\"idleTimeoutSeconds\":1.5}}",
                "limits.idleTimeoutSeconds", "a number (expected: whole seconds)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"limits\":{\"maxDurationSeconds\":0}}",
                "limits.maxDurationSeconds", "0 (expected: > 0)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"limits\":{\"maxDurationSeconds\":99999999999}}",
                "limits.maxDurationSeconds", "a number (expected: whole seconds)"),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"limits\":5}", "limits", "a number (expected: an object)"),
            // valid JSON over a limit names where: the 17th level, inside the controller's own field x
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"],\"x\":" + deep + "}", "x" + "[0]".repeat(16),
                "over a limit (Document nesting depth (17) exceeds the maximum allowed (16, from"
                    + " `StreamReadConstraints.getMaxNestingDepth()`))"),
            Arguments.of("{\"container\":\"a\",\"container\":\"b\",\"command\":[\"ls\"]}", "", null),
            Arguments.of("{\"container\":\"c\",\"command\":[\"ls\"]} {}", "", null),
            Arguments.of("{\"container\":\"c\",", "", null));
    }

    @ParameterizedTest
    @MethodSource("invalid")
    void rejectsInvalidGrantsNamingTheField(String json, String field, String problem) {
        assertThatThrownBy(() -> GrantJson.parse(json, null))
            .isInstanceOfSatisfying(InvalidGrantException.class, e -> {
                assertThat(e.field()).isEqualTo(field);
                if (problem != null) {
                    assertThat(e).hasMessage(field.isEmpty() ? problem : field + ": " + problem);
                } else {
                    assertThat(e).hasMessageStartingWith("not valid JSON: ");
                }
            });
    }

    @Test
    void reportsWhereTheJsonIsBroken() {
        assertThatThrownBy(() -> GrantJson.parse("{\"container\":\"a\",\n\"container\":\"b\"}", null))
            .hasMessageContaining("Duplicate field 'container'")
            .hasMessageEndingWith("at line 2, column 12");
        assertThatThrownBy(() -> GrantJson.parse("{\"x\":" + "[".repeat(100) + "]".repeat(100) + "}", null))
            .hasMessageContaining("nesting depth");
    }

    @Test
    void rejectsHugeArraysAndDocuments() {
        String many = "\"a\",".repeat(ExecGrant.MAX_ARGS) + "\"a\"";
        assertThatThrownBy(() -> GrantJson.parse("{\"container\":\"c\",\"command\":[" + many + "]}", null))
            .hasMessage("command: 1025 elements (expected: <= 1024)");
        String huge = "{\"container\":\"c\",\"command\":[\"" + "a".repeat(GrantJson.MAX_DOCUMENT_CHARS) + "\"]}";
        assertThatThrownBy(() -> GrantJson.parse(huge, null))
            .hasMessageStartingWith("document of ")
            .hasMessageEndingWith(" chars (expected: <= 1048576)");
        String longArg = "{\"container\":\"c\",\"command\":[\"" + "a".repeat(ExecGrant.MAX_STRING_CHARS + 1) + "\"]}";
        assertThatThrownBy(() -> GrantJson.parse(longArg, null))
            .hasMessage("command[0]: over a limit (String value length (65537) exceeds the maximum allowed (65536, from"
                + " `StreamReadConstraints.getMaxStringLength()`))");
        String manyEnv = "{\"container\":\"c\",\"command\":[\"ls\"],\"env\":{"
            + String.join(",", Stream.iterate(0, i -> i + 1).limit(257).map(i -> "\"K" + i + "\":\"v\"").toList()) + "}}";
        assertThatThrownBy(() -> GrantJson.parse(manyEnv, null)).hasMessage("env: 257 entries (expected: <= 256)");
    }

    @Test
    void builderChecksLikeTheParser() {
        assertThatThrownBy(() -> ExecGrant.builder("c", List.of("ls", "a\0")).build())
            .hasMessage("command[1]: contains a NUL byte");
        assertThatThrownBy(() -> ExecGrant.builder(null, List.of("ls")).build())
            .hasMessage("container: missing (expected: a string)");
        assertThat(ExecGrant.builder("c", List.of("ls")).user("app").build().toBuilder().tty(true).build())
            .isEqualTo(new ExecGrant("c", List.of("ls"), true, Optional.of("app"), Optional.empty(), Map.of(),
                Optional.empty(), GrantLimits.NONE));
    }

    @Test
    void grantsAreImmutable() {
        java.util.ArrayList<String> argv = new java.util.ArrayList<>(List.of("ls"));
        ExecGrant grant = ExecGrant.builder("c", argv).build();
        argv.add("-l");
        assertThat(grant.command()).containsExactly("ls");
        assertThatThrownBy(() -> grant.command().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }
}
