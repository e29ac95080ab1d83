package io.execbroker.broker.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Busy CPU time of the whole machine (all processes: dockerd, containerd-shim, the process in the container,
 * this JVM, and whatever else runs), from the first line of {@code /proc/stat}; -1 where there is none.
 */
final class MachineCpu {
    /** USER_HZ: the unit of /proc/stat on every Linux architecture the JDK runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    private MachineCpu() {
    }

    /** Returns the busy seconds (user, nice, system, irq, softirq) since boot, or -1. */
    static double busySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                + Long.parseLong(f[7]);
            return busy / TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
