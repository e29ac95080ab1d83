package io.execbroker.broker.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Memory of this JVM (resident set, and heap in use after a full GC) and of dockerd (resident set), from
 * {@code /proc}. Resident memory counts pages touched, so it shows what the JVM had to take from the machine; the
 * heap after GC shows what is live, however much heap an earlier part of the bench had already touched.
 *
 * @param jvmRss this JVM's VmRSS in bytes, -1 if unknown
 * @param heapAfterGc heap in use after {@link System#gc}, in bytes
 * @param dockerdRss dockerd's VmRSS in bytes, -1 if unknown (not on this host, or not found)
 */
record ProcessMemory(long jvmRss, long heapAfterGc, long dockerdRss) {
    /** Runs a full GC (twice: the first may leave what finalization frees), then reads the three. */
    static ProcessMemory now(OptionalLong dockerdPid) {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new ProcessMemory(rss(Path.of("/proc/self/status")), heap,
            dockerdPid.isPresent() ? rss(Path.of("/proc/" + dockerdPid.getAsLong() + "/status")) : -1);
    }

    /** Returns the VmRSS line of a {@code /proc/<pid>/status} in bytes, or -1. */
    static long rss(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
