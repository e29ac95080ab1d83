package io.execbroker.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new Main()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void helpPrintsUsageAndExitsZero() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).startsWith("Usage: exec-broker").contains("--help", "--version");
    }

    @Test
    void noCommandIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).startsWith("Missing a command.").contains("Usage: exec-broker");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run("--nope")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--nope'");
    }
}
