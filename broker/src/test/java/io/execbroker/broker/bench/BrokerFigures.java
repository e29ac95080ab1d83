package io.execbroker.broker.bench;

/**
 * The broker process at one moment: resident memory, threads, open files, heap in use after a full GC (-1 if
 * not asked for, or unknown) and the machine's load average, which every figure of a shared machine needs beside it.
 */
record BrokerFigures(long rss, int threads, int fds, long heapAfterGc, String load) {
    static BrokerFigures now(BrokerProcess broker, boolean heap) throws Exception {
        long heapAfterGc = heap ? broker.heapAfterGc() : -1;
        return new BrokerFigures(broker.rss(), broker.threads(), broker.openFds(), heapAfterGc,
            ExecBenchmark.loadAverage());
    }

    static String mib(long bytes) {
        return bytes < 0 ? "?" : String.format("%.1f MiB", bytes / 1048576.0);
    }

    /** One line: {@code RSS 80.1 MiB, 41 threads, 77 fds, heap 12.0 MiB (load 1.2 1.0 0.9)}. */
    String describe() {
        return "RSS " + mib(rss) + ", " + threads + " threads, " + fds + " fds"
            + (heapAfterGc >= 0 ? ", heap after GC " + mib(heapAfterGc) : "") + " (load " + load + ")";
    }
}
