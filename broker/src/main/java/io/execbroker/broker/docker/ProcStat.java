package io.execbroker.broker.docker;

/**
 * What {@code /proc/PID/stat} says of one process: the fields teardown needs to tell it apart from any other
 * process, now or later, and to find its family. Immutable.
 *
 * <pre>
 *   field  1     2       3     4     5     6       ...  22
 *         pid (comm) state ppid pgrp session ... starttime ...
 * </pre>
 *
 * {@code comm} is the executable's name, up to 15 bytes, and may itself hold spaces and parentheses, like
 * {@code (my (odd) name)}: the fields after it are counted from the last {@code ')'}.
 *
 * @param pid the process id, in the pid namespace of the reader of {@code /proc}
 * @param comm the executable's name, without the parentheses
 * @param state the state letter, like {@code S} (sleeping) or {@code Z} (zombie)
 * @param ppid the parent's pid; 0 when the parent is outside the reader's pid namespace
 * @param pgrp the process group id
 * @param session the session id
 * @param startTime when the process started, in clock ticks since boot: with the pid, it names one process for
 *     ever, since a pid used again belongs to a process started later
 */
public record ProcStat(long pid, String comm, char state, long ppid, long pgrp, long session, long startTime) {
    /** Fields 3 to 22 follow the comm: the start time is the 20th of them. */
    private static final int FIELDS_AFTER_COMM = 20;

    /**
     * Parses one {@code /proc/PID/stat} line, like {@code 7067 (sleep) S 2618 7067 7067 0 -1 ...}.
     *
     * @throws IllegalArgumentException naming the line when it is not one
     */
    public static ProcStat parse(String line) {
        int open = line.indexOf(" (");
        int close = line.lastIndexOf(')');
        if (open <= 0 || close < open) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + abbreviate(line)
                + " (expected: pid (comm) state ...)");
        }
        String[] after = line.substring(close + 1).strip().split(" +");
        if (after.length < FIELDS_AFTER_COMM || after[0].length() != 1) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + abbreviate(line) + " (expected: "
                + FIELDS_AFTER_COMM + " fields after the comm, starting with a state letter)");
        }
        try {
            return new ProcStat(Long.parseLong(line.substring(0, open)), line.substring(open + 2, close),
                after[0].charAt(0), Long.parseLong(after[1]), Long.parseLong(after[2]), Long.parseLong(after[3]),
                Long.parseLong(after[FIELDS_AFTER_COMM - 1]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a /proc/PID/stat line: " + abbreviate(line)
                + " (expected: numbers for pid, ppid, pgrp, session and starttime)", e);
        }
    }

    /** Returns true if {@code other} is this very process: the same pid, started at the same time. */
    public boolean sameProcess(ProcStat other) {
        return pid == other.pid && startTime == other.startTime;
    }

    /** Returns true if the process has exited: a zombie its parent has yet to collect, or dead. */
    public boolean dead() {
        return state == 'Z' || state == 'X' || state == 'x';
    }

    private static String abbreviate(String line) {
        String stripped = line.strip();
        return stripped.length() <= 80 ? "'" + stripped + "'" : "'" + stripped.substring(0, 80) + "...'";
    }
}
