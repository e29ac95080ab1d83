package io.execbroker.broker.docker;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The mark every exec the broker creates carries in its environment,
 * {@code EXEC_BROKER_RUN=<pid>:<start time>:<pid namespace>}: the pid and {@code /proc} start time of the broker
 * process that created it, and the pid namespace they belong to (the inode of {@code /proc/self/ns/pid}). A mark
 * is judged only by a broker in that same namespace, where its pid means the same process. Children inherit it, so a
 * process found later with a mark whose broker process is gone (killed with SIGKILL, crashed) was left by a broker
 * that can no longer tear it down: an orphan, which the next broker to start on the host kills. A mark of a broker
 * that still runs, this one or another, is never touched. Immutable.
 *
 * @param pid the broker's pid, as the Docker host sees it
 * @param startTime the broker's start time, in clock ticks since boot ({@code /proc/PID/stat} field 22)
 * @param pidNamespace the inode of the broker's pid namespace
 */
public record ExecMark(long pid, long startTime, long pidNamespace) {
    /** The environment variable. */
    public static final String NAME = "EXEC_BROKER_RUN";

    /**
     * Returns the mark of this process, the running broker: its pid and start time read from {@code table}; empty
     * where there is no {@code /proc} to read them from (then execs are not marked, and a killed broker's are not
     * found).
     */
    public static Optional<ExecMark> of(ProcessTable table) {
        long pid = ProcessHandle.current().pid();
        try {
            long namespace = table.pidNamespace();
            return table.stat(pid).map(self -> new ExecMark(pid, self.startTime(), namespace));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Returns the {@code NAME=value} entry for an exec's environment. */
    public String env() {
        return NAME + "=" + pid + ":" + startTime + ":" + pidNamespace;
    }

    /**
     * Returns the mark in a {@code /proc/PID/environ} (NUL-separated {@code NAME=value} entries), if it holds a
     * well-formed one. A process may change its environment; a mark it forged can only name a broker process,
     * which must then be gone for anything to happen, and only to the process itself.
     */
    public static Optional<ExecMark> in(byte[] environ) {
        String all = new String(environ, StandardCharsets.ISO_8859_1);
        String prefix = NAME + "=";
        for (String entry : all.split("\0")) {
            if (entry.startsWith(prefix)) {
                return parse(entry.substring(prefix.length()));
            }
        }
        return Optional.empty();
    }

    private static Optional<ExecMark> parse(String value) {
        String[] parts = value.split(":", -1);
        try {
            return parts.length != 3 ? Optional.empty() : Optional.of(new ExecMark(Long.parseLong(parts[0]),
                Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * Returns true if this mark is of {@code self}'s pid namespace and the broker process it names is gone (no
     * process has its pid, or a newer one does): then what carries it is an orphan.
     */
    public boolean orphanedFor(ExecMark self, ProcessTable table) {
        return pidNamespace == self.pidNamespace()
            && !table.stat(pid).map(s -> s.startTime() == startTime).orElse(false);
    }
}
