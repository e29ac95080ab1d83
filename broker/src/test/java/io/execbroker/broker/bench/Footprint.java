package io.execbroker.broker.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code --footprint}: for each JVM flag set, a broker process of its own: its RSS idle (after a warm-up), then
 * with N {@code cat} sessions open (heap after GC, threads, RTT in turn), then, with them closed, bulk stdout
 * through it ({@code bulk} sessions of {@code head -c bulkMib M /dev/zero} one after another): MiB/s and the
 * broker's CPU per GiB, so that a smaller footprint is not bought with throughput. One row per set.
 */
final class Footprint {
    private Footprint() {
    }

    static String run(LoadOptions options, Progress progress) throws Exception {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"JVM flags", "RSS idle", "RSS with N", "per session KiB", "heap idle -> N", "threads",
            "RTT p50/p99 us", "bulk MiB/s", "broker CPU s/GiB", "load avg"});
        int n = options.sessions();
        for (List<String> flags : options.candidates()) {
            progress.say("footprint of " + (flags.isEmpty() ? "(no flags)" : String.join(" ", flags)));
            try (LoadRig rig = LoadRig.start(flags, n, progress)) {
                EchoFleet warm = EchoFleet.open(rig.client, rig.cat(), 20, progress);
                warm.roundsInTurn(10);
                warm.closeAll();
                rig.client.stdout(64L << 20, false);
                BrokerFigures idle = BrokerFigures.now(rig.broker, true); // after a GC, as the figures with N
                boolean nmt = flags.stream().anyMatch(f -> f.startsWith("-XX:NativeMemoryTracking="));
                String idleNative = nmt ? rig.broker.nativeMemory() : "";
                EchoFleet fleet = EchoFleet.open(rig.client, rig.cat(), n, progress);
                long[] rtt = fleet.roundsInTurn(options.rounds());
                BrokerFigures loaded = BrokerFigures.now(rig.broker, true);
                if (nmt) {
                    progress.say("native memory idle: " + idleNative);
                    progress.say("native memory with " + n + " sessions: " + rig.broker.nativeMemory());
                }
                BenchException.check(fleet.open() == n && fleet.unanswered() == 0, fleet.open() + " of " + n
                    + " sessions open, " + fleet.unanswered() + " did not answer");
                BenchException.check(fleet.closeAll() == 0, "sessions did not exit 0 after their stdin ended");
                double cpu0 = rig.broker.cpuSeconds();
                long t0 = System.nanoTime();
                long bytes = (long) options.bulkMib() << 20;
                for (int i = 0; i < options.bulkStreams(); i++) {
                    rig.client.stdout(bytes, false);
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                double gib = options.bulkStreams() * options.bulkMib() / 1024.0;
                double cpuPerGib = (rig.broker.cpuSeconds() - cpu0) / gib;
                rows.add(new String[] {flags.isEmpty() ? "(none)" : String.join(" ", flags),
                    BrokerFigures.mib(idle.rss()), BrokerFigures.mib(loaded.rss()),
                    LoadRun.f1((loaded.rss() - idle.rss()) / 1024.0 / n), BrokerFigures.mib(idle.heapAfterGc()) + " -> " + BrokerFigures.mib(loaded.heapAfterGc()),
                    idle.threads() + " -> " + loaded.threads(),
                    LoadRun.f1(Stats.percentile(rtt, 50) / 1e3) + " / " + LoadRun.f1(Stats.percentile(rtt, 99) / 1e3),
                    LoadRun.f1(gib * 1024 / seconds), String.format("%.2f", cpuPerGib), loaded.load()});
                progress.say("footprint: " + String.join(" | ", rows.get(rows.size() - 1)));
            }
        }
        return TextTable.render(rows, 1, 8) + "N = " + n + " sessions; bulk: " + options.bulkStreams() + " x "
            + options.bulkMib() + " MiB, one after another, through the broker process (CPU: its whole process)\n";
    }
}
