package io.execbroker.broker.bench;

import io.netty.util.internal.PlatformDependent;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Memory of this JVM (resident set, heap in use after a full GC, Netty's direct memory) and of dockerd (resident
 * set), from {@code /proc}. Resident memory counts pages touched, so it shows what the JVM took from the machine,
 * but G1 commits and gives back heap as it likes, so its change is noisy; the heap after GC shows what is live,
 * however much heap an earlier part of the bench had already touched, and the direct memory what Netty holds
 * outside the heap (socket buffers, its pools).
 *
 * @param jvmRss this JVM's VmRSS in bytes, -1 if unknown
 * @param heapAfterGc heap in use after {@link System#gc}, in bytes
 * @param nettyDirect direct memory Netty has allocated, in bytes, -1 if it does not count it
 * @param dockerdRss dockerd's VmRSS in bytes, -1 if unknown (not on this host, or not found)
 */
record ProcessMemory(long jvmRss, long heapAfterGc, long nettyDirect, long dockerdRss) {
    /** Runs a full GC (twice: the first may leave what finalization frees), then reads the three. */
    static ProcessMemory now(OptionalLong dockerdPid) {
        System.gc();
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        return new ProcessMemory(rss(Path.of("/proc/self/status")), heap, PlatformDependent.usedDirectMemory(),
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
