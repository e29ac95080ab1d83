package io.execbroker.broker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of this JVM's child processes that have ended and been waited for (cutime and cstime in
 * {@code /proc/self/stat}): the docker CLI column's own CPU, as the CLI is the only child the benchmark starts.
 */
final class ChildCpu {
    /** USER_HZ, the unit of /proc/[pid]/stat. */
    private static final double TICKS_PER_SECOND = 100.0;

    private ChildCpu() {
    }

    /** Returns the user and system seconds of the children waited for so far, or -1 where /proc has none. */
    static double reapedSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // After the command name in parentheses: field 3 (state) is at index 0, cutime (16) at 13, cstime at 14.
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
