package io.execbroker.broker.bench;

import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.RawHandshake;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code --load}: N interactive sessions through the broker process, then N direct execs in the same run, then
 * mixed load on the broker's N sessions, then all N broker clients dropped at once. Prints one table.
 */
final class LoadRun {
    private static final long DROP_DEADLINE_NANOS = TimeUnit.SECONDS.toNanos(120);
    private static final int WARMUP_SESSIONS = 20;
    /** Between two looks after the drop: each ps is an exec, and dockerd is busy enough then. */
    private static final long POLL_MILLIS = 500;

    private final LoadOptions options;
    private final LoadRig rig;
    private final Progress progress;
    private final List<String[]> rows = new ArrayList<>();

    private LoadRun(LoadOptions options, LoadRig rig, Progress progress) {
        this.options = options;
        this.rig = rig;
        this.progress = progress;
    }

    static String run(LoadOptions options, LoadRig rig, Progress progress) throws Exception {
        return new LoadRun(options, rig, progress).run();
    }

    private String run() throws Exception {
        int n = options.sessions();
        rows.add(new String[] {"metric", "broker", "direct", "broker/direct", "load avg"});
        warmUp();
        BrokerFigures idle = BrokerFigures.now(rig.broker, true);
        progress.say("broker idle: " + idle.describe());

        progress.say("opening " + n + " broker sessions (" + EchoFleet.OPENING_AT_ONCE + " at a time)");
        long t0 = System.nanoTime();
        EchoFleet brokerFleet = EchoFleet.open(rig.client, rig.cat(), n, progress);
        double brokerOpenS = (System.nanoTime() - t0) / 1e9;
        int metricsOpen = rig.broker.sessionsOpen();
        BrokerFigures loaded = BrokerFigures.now(rig.broker, true);
        progress.say("broker with " + brokerFleet.open() + " sessions: " + loaded.describe());
        long[] brokerRtt = brokerFleet.roundsInTurn(options.rounds());
        String rttLoad = ExecBenchmark.loadAverage();

        Mixed mixed = mixedLoad(brokerFleet);
        Drop drop = drop(brokerFleet);

        progress.say("opening " + n + " direct execs");
        long jvmRssBefore = ProcessMemory.rss(java.nio.file.Path.of("/proc/self/status"));
        EchoFleet directFleet;
        double directOpenS;
        long[] directRtt;
        int directThreads;
        long jvmRssWith;
        String directLoad;
        Mixed directMixed;
        try (DirectSubject direct = DirectSubject.start()) {
            t0 = System.nanoTime();
            directFleet = EchoFleet.open(direct, rig.cat(), n, progress);
            directOpenS = (System.nanoTime() - t0) / 1e9;
            jvmRssWith = ProcessMemory.rss(java.nio.file.Path.of("/proc/self/status"));
            directThreads = ThreadCpu.sample(DirectSubject.THREAD_PREFIX).threads();
            directRtt = directFleet.roundsInTurn(options.rounds());
            directLoad = ExecBenchmark.loadAverage();
            // The same bulk sessions and flood through the broker, the round trips over the direct execs: what the
            // machine's load costs interactive frames that pass no broker.
            directMixed = mixedLoad(directFleet);
            int notClean = directFleet.closeAll();
            BenchException.check(notClean == 0, notClean + " direct execs did not exit 0 after their stdin ended");
        }

        String both = loaded.load() + " / " + directLoad;
        row("sessions open (of " + n + ")", brokerFleet.open() + " (metrics: " + metricsOpen + ")",
            Integer.toString(directFleet.open()), "", both);
        row("sessions whose every echo came back (" + options.rounds() + " each)",
            Integer.toString(brokerFleet.open() - brokerFleet.unanswered()),
            Integer.toString(directFleet.open() - directFleet.unanswered()), "", rttLoad + " / " + directLoad);
        row("time to open all, s (" + EchoFleet.OPENING_AT_ONCE + " at a time)", f1(brokerOpenS), f1(directOpenS),
            ratio(brokerOpenS, directOpenS), both);
        row("broker RSS idle -> with sessions", BrokerFigures.mib(idle.rss()) + " -> " + BrokerFigures.mib(loaded.rss()),
            "bench JVM " + BrokerFigures.mib(jvmRssBefore) + " -> " + BrokerFigures.mib(jvmRssWith), "", both);
        double brokerPer = (loaded.rss() - idle.rss()) / 1024.0 / Math.max(1, brokerFleet.open());
        double directPer = (jvmRssWith - jvmRssBefore) / 1024.0 / Math.max(1, directFleet.open());
        row("RSS delta per session, KiB", f1(brokerPer), f1(directPer) + " (bench JVM)", ratio(brokerPer, directPer), both);
        row("broker heap after GC idle -> with sessions (jcmd)", BrokerFigures.mib(idle.heapAfterGc()) + " -> "
            + BrokerFigures.mib(loaded.heapAfterGc()), "-", "", loaded.load());
        row("heap after GC per session, KiB", f1((loaded.heapAfterGc() - idle.heapAfterGc()) / 1024.0
            / Math.max(1, brokerFleet.open())), "-", "", loaded.load());
        row("threads idle -> with sessions", idle.threads() + " -> " + loaded.threads() + " (whole JVM)",
            directThreads + " (client's own)", "", both);
        row("open fds idle -> with sessions", idle.fds() + " -> " + loaded.fds(), "-", "", loaded.load());
        rttRows("1-byte RTT in turn", brokerRtt, directRtt, rttLoad + " / " + directLoad);
        rttRows("1-byte RTT in turn, mixed load", mixed.rtt, directMixed.rtt, mixed.load + " / " + directMixed.load);
        row("  mixed: bulk stdout, MiB/s (" + options.bulkStreams() + " x " + options.bulkMib() + " MiB, together)",
            f1(mixed.bulkMibPerS), f1(directMixed.bulkMibPerS), "", mixed.load + " / " + directMixed.load);
        row("  mixed: handshakes without a token, /s", f1(mixed.floodPerS) + " " + mixed.floodStatuses,
            f1(directMixed.floodPerS) + " " + directMixed.floodStatuses, "", mixed.load + " / " + directMixed.load);
        row("drop all at once: every process gone, s", drop.processesGoneS < 0 ? "NOT within 120 s"
            : f2(drop.processesGoneS), "-", "", drop.load);
        row("drop: survivors after that", drop.survivors, "-", "", drop.load);
        row("drop: exec_broker_sessions_open back to 0, s", drop.sessionsZeroS < 0 ? "NOT within 120 s"
            : f2(drop.sessionsZeroS), "-", "", drop.load);
        row("drop: then a new session echoes, ms", f1(drop.newSessionMs), "-", "", drop.load);

        StringBuilder out = new StringBuilder();
        out.append(TextTable.render(rows, 1, 3));
        out.append("RTT in turn: one 1-byte round trip through each open session, one session after another, ")
            .append(options.rounds()).append(" rounds: what one user sees while the others hold theirs open.\n")
            .append("Mixed load: the same in-turn round trips over the ").append(n)
            .append(" sessions (broker's, then direct) while ").append(options.bulkStreams())
            .append(" bulk `head -c ").append(options.bulkMib()).append("M /dev/zero` sessions through the broker and ")
            .append(options.floodThreads()).append(" threads of token-less handshakes (401) at it run.\n")
            .append("Direct RSS is the bench JVM's (its direct client and nothing else open by then).\n");
        BenchException.check(drop.processesGoneS >= 0 && drop.sessionsZeroS >= 0,
            "after the drop: processes or sessions left; table:\n" + out);
        return out.toString();
    }

    private void warmUp() throws Exception {
        progress.say("warm-up: " + WARMUP_SESSIONS + " sessions");
        EchoFleet warm = EchoFleet.open(rig.client, rig.cat(), WARMUP_SESSIONS, progress);
        warm.roundsInTurn(10);
        warm.closeAll();
    }

    private record Mixed(long[] rtt, double bulkMibPerS, double floodPerS, String floodStatuses, String load) {
    }

    private Mixed mixedLoad(EchoFleet fleet) throws Exception {
        progress.say("mixed load: " + options.bulkStreams() + " bulk streams, " + options.floodThreads()
            + " flood threads, round trips in turn over " + fleet.open() + " sessions");
        AtomicBoolean bulkRunning = new AtomicBoolean(true);
        AtomicLong handshakes = new AtomicLong();
        java.util.concurrent.ConcurrentHashMap<String, Long> statuses = new java.util.concurrent.ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(options.bulkStreams() + options.floodThreads());
        try {
            long start = System.nanoTime();
            List<Future<Subject.Transfer>> bulk = new ArrayList<>();
            long bytes = options.bulkMib() * 1024L * 1024L;
            for (int i = 0; i < options.bulkStreams(); i++) {
                bulk.add(pool.submit(() -> rig.client.stdout(bytes, false)));
            }
            for (int i = 0; i < options.floodThreads(); i++) {
                pool.submit(() -> {
                    while (bulkRunning.get()) {
                        try {
                            String head = RawHandshake.send(rig.broker.port(), "/exec");
                            statuses.merge(head.length() >= 12 ? head.substring(9, 12) : "?", 1L, Long::sum);
                        } catch (java.io.IOException e) {
                            statuses.merge("io error", 1L, Long::sum);
                        }
                        handshakes.incrementAndGet();
                    }
                    return null;
                });
            }
            long[] rtt = fleet.inTurnWhile(() -> bulk.stream().anyMatch(f -> !f.isDone()));
            String load = ExecBenchmark.loadAverage();
            for (Future<Subject.Transfer> f : bulk) {
                f.get(BenchExec.TIMEOUT_SECONDS, TimeUnit.SECONDS); // throws unless every byte came
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            bulkRunning.set(false);
            return new Mixed(rtt, options.bulkStreams() * options.bulkMib() / seconds, handshakes.get() / seconds,
                statuses.toString(), load);
        } finally {
            bulkRunning.set(false);
            pool.shutdown();
            pool.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    private record Drop(double processesGoneS, String survivors, double sessionsZeroS, double newSessionMs,
                        String load) {
    }

    private Drop drop(EchoFleet fleet) throws Exception {
        progress.say("dropping all " + fleet.open() + " broker clients at once (reset, no close frame)");
        long start = System.nanoTime();
        fleet.dropAll();
        double gone = -1;
        double zero = -1;
        List<ContainerProcesses.Row> left = List.of();
        int psFailures = 0;
        while (System.nanoTime() - start < DROP_DEADLINE_NANOS && (gone < 0 || zero < 0)) {
            if (zero < 0 && rig.broker.sessionsOpen() == 0) {
                zero = (System.nanoTime() - start) / 1e9;
            }
            if (gone < 0) {
                try {
                    left = rig.survivors();
                    if (left.isEmpty()) {
                        gone = (System.nanoTime() - start) / 1e9;
                    }
                } catch (RuntimeException e) {
                    // dockerd busy with the teardown of every session: ps did not answer in 30 s; ask again
                    psFailures++;
                    progress.say("drop: ps in servertest failed (" + e.getMessage() + "), asking again");
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
        String load = ExecBenchmark.loadAverage();
        long t0 = System.nanoTime();
        try (Subject.Echo fresh = rig.client.openEcho(rig.cat())) {
            fresh.roundTrip((byte) 42);
        }
        double newMs = (System.nanoTime() - t0) / 1e6;
        String survivors = (left.isEmpty() ? "none" : left.size() + ": " + left.subList(0, Math.min(5, left.size())))
            + (psFailures > 0 ? " (" + psFailures + " ps timed out meanwhile)" : "");
        progress.say("drop: processes gone " + gone + " s, sessions 0 " + zero + " s, survivors " + survivors);
        return new Drop(gone, survivors, zero, newMs, load);
    }

    private void rttRows(String what, long[] broker, long[] direct, String load) {
        for (int p : new int[] {50, 99}) {
            double b = Stats.percentile(broker, p) / 1e3;
            double d = direct == null ? Double.NaN : Stats.percentile(direct, p) / 1e3;
            row(what + ", p" + p + " us (N=" + broker.length + ")", f1(b), direct == null ? "-" : f1(d),
                direct == null ? "" : ratio(b, d), load);
        }
    }

    private void row(String... cells) {
        rows.add(cells);
    }

    static String f1(double v) {
        return String.format("%.1f", v);
    }

    private static String f2(double v) {
        return String.format("%.2f", v);
    }

    static String ratio(double a, double b) {
        return b > 0 ? String.format("%.2f", a / b) : "-";
    }
}
