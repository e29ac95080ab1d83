package io.execbroker.broker.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU time and count of the live threads whose names start with a prefix, from {@link ThreadMXBean}. A thread
 * that dies between two samples takes its CPU time with it: {@link Sample#cpuNanosSince} counts such threads
 * so that the caller can say so instead of reporting too little.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ThreadCpu() {
    }

    /** Turns per-thread CPU accounting on; fails if this JVM cannot measure it. */
    static void enable() {
        if (!THREADS.isThreadCpuTimeSupported()) {
            throw new BenchException("this JVM cannot measure per-thread CPU time");
        }
        THREADS.setThreadCpuTimeEnabled(true);
    }

    /** CPU nanoseconds and name per thread id, of the live threads named {@code prefix}*. */
    record Sample(Map<Long, Long> cpuById, Map<Long, String> nameById) {
        int threads() {
            return cpuById.size();
        }

        /** Returns the CPU time these threads used since {@code before}; threads new since then count from 0. */
        long cpuNanosSince(Sample before) {
            long sum = 0;
            for (Map.Entry<Long, Long> e : cpuById.entrySet()) {
                sum += e.getValue() - before.cpuById.getOrDefault(e.getKey(), 0L);
            }
            return sum;
        }

        /** Returns the CPU time each thread used since {@code before}, by thread name. */
        Map<String, Long> cpuNanosByNameSince(Sample before) {
            Map<String, Long> byName = new HashMap<>();
            for (Map.Entry<Long, Long> e : cpuById.entrySet()) {
                byName.merge(nameById.get(e.getKey()), e.getValue() - before.cpuById.getOrDefault(e.getKey(), 0L),
                    Long::sum);
            }
            return byName;
        }

        /** Returns how many threads of {@code before} died since: their CPU time is missing from the delta. */
        int diedSince(Sample before) {
            return (int) before.cpuById.keySet().stream().filter(id -> !cpuById.containsKey(id)).count();
        }
    }

    static Sample sample(String prefix) {
        Map<Long, Long> cpu = new HashMap<>();
        Map<Long, String> names = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith(prefix)) {
                long nanos = THREADS.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadId(), nanos);
                    names.put(info.getThreadId(), info.getThreadName());
                }
            }
        }
        return new Sample(cpu, names);
    }

    /** All live threads of this JVM, whoever started them. */
    static int liveThreads() {
        return THREADS.getThreadCount();
    }

    /** CPU time of the whole JVM process (all threads, GC and JIT included). */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
            .getProcessCpuTime();
    }
}
