package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Parsing {@code /proc/PID/stat} lines, as the kernel writes them. */
class ProcStatTest {
    /** A busybox sleep run by docker exec: its parent (2618) is the shim, it leads its own session and group. */
    private static final String SLEEP = "7067 (sleep) S 2618 7067 7067 0 -1 4194560 90 0 0 0 0 0 0 0 20 0 1 0 "
        + "456771 2387968 348 18446744073709551615 4198400 5785993 140723120130080 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0";

    @Test
    void readsTheFieldsTeardownNeeds() {
        ProcStat stat = ProcStat.parse(SLEEP);

        assertThat(stat).isEqualTo(new ProcStat(7067, "sleep", 'S', 2618, 7067, 7067, 456771));
        assertThat(stat.dead()).isFalse();
    }

    @Test
    void aCommWithSpacesAndParenthesesEndsAtTheLastParenthesis() {
        ProcStat stat = ProcStat.parse("42 (my (odd) ) name) Z 1 40 30 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 "
            + "99 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");

        assertThat(stat).isEqualTo(new ProcStat(42, "my (odd) ) name", 'Z', 1, 40, 30, 99));
        assertThat(stat.dead()).as("a zombie").isTrue();
    }

    @Test
    void sameProcessNeedsTheSamePidAndStartTime() {
        ProcStat stat = ProcStat.parse(SLEEP);

        assertThat(stat.sameProcess(new ProcStat(7067, "sh", 'R', 1, 1, 1, 456771))).isTrue();
        assertThat(stat.sameProcess(new ProcStat(7067, "sleep", 'S', 2618, 7067, 7067, 456772)))
            .as("the pid used again by a later process").isFalse();
        assertThat(stat.sameProcess(new ProcStat(7068, "sleep", 'S', 2618, 7067, 7067, 456771))).isFalse();
    }

    @Test
    void refusesALineWithoutComm() {
        assertThatThrownBy(() -> ProcStat.parse("7067 sleep S 2618"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("not a /proc/PID/stat line: '7067 sleep S 2618' (expected: pid (comm) state ...)");
    }

    @Test
    void refusesATruncatedLine() {
        assertThatThrownBy(() -> ProcStat.parse("7067 (sleep) S 2618 7067 7067"))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("not a /proc/PID/stat line: '7067 (sleep) S 2618 7067 7067' (expected: 20 fields after the"
                + " comm, starting with a state letter)");
    }

    @Test
    void refusesFieldsThatAreNotNumbers() {
        assertThatThrownBy(() -> ProcStat.parse(SLEEP.replace(" 2618 ", " x ")))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageEndingWith("(expected: numbers for pid, ppid, pgrp, session and starttime)");
    }
}
