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
        long[] f = fields();
        return f == null ? -1 : (f[1] + f[2] + f[3] + f[6] + f[7]) / TICKS_PER_SECOND;
    }

    /**
     * Returns the seconds since boot that the hypervisor gave this machine's CPUs to other guests (steal), and all
     * CPU seconds (idle and steal included), as {@code {steal, total}}; null where there are none.
     */
    static double[] stealAndTotalSeconds() {
        long[] f = fields();
        if (f == null || f.length < 9) {
            return null;
        }
        long total = 0;
        for (int i = 1; i <= 8; i++) {
            total += f[i];
        }
        return new double[] {f[8] / TICKS_PER_SECOND, total / TICKS_PER_SECOND};
    }

    /** The first line of /proc/stat: "cpu" (0), then user, nice, system, idle, iowait, irq, softirq, steal ... */
    private static long[] fields() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long[] values = new long[f.length];
            for (int i = 1; i < f.length; i++) {
                values[i] = Long.parseLong(f[i]);
            }
            return values;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Describes the steal share between two {@link #stealAndTotalSeconds()} readings. */
    static String describeSteal(double[] before, double[] after) {
        if (before == null || after == null || after[1] <= before[1]) {
            return "CPU steal: unknown";
        }
        double share = 100.0 * (after[0] - before[0]) / (after[1] - before[1]);
        return String.format("CPU steal during the run: %.1f%% of all CPU time (the hypervisor ran other guests%s)",
            share, share > 2.0 ? "; above 2% every column is noisy: rerun on a quiet host" : "");
    }
}
