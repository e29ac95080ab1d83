package io.execbroker.broker.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The command line of the load bench ({@link LoadBenchmark}).
 *
 * @param mode which part runs
 * @param sessions interactive sessions held open at once (each side: broker, direct)
 * @param rounds round trips per session, in turn, for each RTT figure
 * @param bulkStreams bulk stdout sessions of the mixed load
 * @param bulkMib stdout per bulk session, MiB
 * @param floodThreads threads that each make handshakes without a token (401) back to back in the mixed load
 * @param soakMinutes how long the soak runs
 * @param soakWorkers sessions the soak runs at once
 * @param brokerJvm the JVM flags of the broker process (for {@code --footprint}, of the first candidate)
 * @param candidates the JVM flag sets {@code --footprint} compares
 * @param fleetSeconds how long each phase of {@code --fleet} runs
 * @param fleetClients clients per broker in {@code --fleet}, each running sessions back to back
 */
record LoadOptions(Mode mode, int sessions, int rounds, int bulkStreams, int bulkMib, int floodThreads,
                   int soakMinutes, int soakWorkers, List<String> brokerJvm, List<List<String>> candidates,
                   int fleetSeconds, int fleetClients) {

    /** Which part of the load bench runs. */
    enum Mode { LOAD, SOAK, FOOTPRINT, FLEET }

    /**
     * The serial collector (no GC threads, and with the free ratios it gives heap back after a full GC), a small
     * initial heap, 256 KiB thread stacks, bounded code cache, metaspace and direct memory, one Netty direct arena,
     * and two glibc malloc arenas (an environment variable, not a flag) instead of one per thread.
     */
    static final List<String> SMALL_JVM = List.of("-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC",
        "-Xms16m", "-Xmx96m", "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-Xss256k",
        "-XX:ReservedCodeCacheSize=32m", "-XX:MaxMetaspaceSize=64m", "-XX:MaxDirectMemorySize=64m",
        "-Dio.netty.allocator.numDirectArenas=1", "MALLOC_ARENA_MAX=2");

    /**
     * The flags the deploy files start the broker with (deploy/docker, deploy/systemd, demo.sh; deploy/k8s runs the
     * image's): {@link #SMALL_JVM} and C1 only, which took 40 MiB off the resident set with 1,000 sessions (no C2
     * compiler threads, their arenas and code) for no loss of bulk throughput measured (README, "Load and soak").
     */
    static final List<String> DEPLOYED_JVM = concat(SMALL_JVM, List.of("-XX:TieredStopAtLevel=1"));

    /** The sets --footprint compares unless told others: before, a first cut, the small set, the deployed set. */
    static final List<List<String>> DEFAULT_CANDIDATES = List.of(
        List.of("-XX:+ExitOnOutOfMemoryError", "-XX:MaxRAMPercentage=75"),
        List.of("-XX:+UseSerialGC", "-Xss256k", "-Xmx64m"),
        SMALL_JVM,
        DEPLOYED_JVM);

    static final String USAGE = """
        Usage: deploy/dev/bench.sh --load | --soak [MINUTES] | --footprint | --fleet [SECONDS]  [options]
        The broker as its own JVM (broker/target/exec-broker.jar serve, behind a test controller) under load.
          --load              N interactive `cat` sessions through the broker against N direct execs: open, RSS,
                              threads, heap, RTT in turn; then mixed load (bulk stdout, handshake flood) and
                              all N clients dropped at once (reset sockets): time until processes and sessions
                              are gone, and a new session works
          --soak [MINUTES]    echo checks with random payloads, exit codes, client drops and stalled readers for
                              MINUTES (30); a line a minute: sessions, bytes checked, lost, orphans, RSS, fds
          --footprint         broker RSS idle and with N sessions, heap, threads, bulk MiB/s and CPU, for each
                              JVM flag set (--candidate, repeatable; default: a built-in list)
          --fleet [SECONDS]   two brokers, one on the shared engine and one on the second dockerd, loaded
                              alone and then both at once for SECONDS (20) a phase: sessions/s, setup p50/p99
          --fleet-clients N   clients per broker in --fleet, `true` sessions back to back (4)
          --sessions N        interactive sessions per side         (1000)
          --rounds N          round trips per session per figure    (3)
          --bulk N            bulk sessions in the mixed load       (4)
          --bulk-mib N        stdout per bulk session, MiB          (256)
          --flood N           handshake flood threads               (4)
          --soak-workers N    soak sessions at once                 (8)
          --broker-jvm FLAGS  the broker's JVM flags, space-separated (default: the deployed set); NAME=value
                              sets an environment variable of the broker (like MALLOC_ARENA_MAX=2)
          --candidate FLAGS   a JVM flag set for --footprint ("" for none)
          --help""";

    /** Parses {@code args}; returns null for {@code --help}. */
    static LoadOptions parse(String[] args) {
        Mode mode = null;
        int sessions = 1000;
        int rounds = 3;
        int bulk = 4;
        int bulkMib = 256;
        int flood = 4;
        int minutes = 30;
        int workers = 8;
        int fleetSeconds = 20;
        int fleetClients = 4;
        List<String> jvm = DEPLOYED_JVM;
        List<List<String>> candidates = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--load" -> mode = only(mode, Mode.LOAD);
                case "--footprint" -> mode = only(mode, Mode.FOOTPRINT);
                case "--fleet" -> {
                    mode = only(mode, Mode.FLEET);
                    if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        fleetSeconds = BenchOptions.positive(arg, args[++i]);
                    }
                }
                case "--soak" -> {
                    mode = only(mode, Mode.SOAK);
                    if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                        minutes = BenchOptions.positive(arg, args[++i]);
                    }
                }
                case "--broker-jvm", "--candidate" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs JVM flags (\"\" for none)");
                    }
                    List<String> flags = Arrays.stream(args[++i].trim().split("\\s+")).filter(f -> !f.isEmpty()).toList();
                    if (arg.equals("--candidate")) {
                        candidates.add(flags);
                    } else {
                        jvm = flags;
                    }
                }
                case "--sessions", "--rounds", "--bulk", "--bulk-mib", "--flood", "--soak-workers", "--fleet-clients" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a number");
                    }
                    int n = BenchOptions.positive(arg, args[++i]);
                    switch (arg) {
                        case "--sessions" -> sessions = n;
                        case "--rounds" -> rounds = n;
                        case "--bulk" -> bulk = n;
                        case "--bulk-mib" -> bulkMib = n;
                        case "--flood" -> flood = n;
                        case "--fleet-clients" -> fleetClients = n;
                        default -> workers = n;
                    }
                }
                default -> throw new IllegalArgumentException("unknown option: " + arg);
            }
        }
        if (mode == null) {
            throw new IllegalArgumentException("say which: --load, --soak [MINUTES], --footprint or --fleet [SECONDS]");
        }
        return new LoadOptions(mode, sessions, rounds, bulk, bulkMib, flood, minutes, workers, jvm,
            candidates.isEmpty() ? DEFAULT_CANDIDATES : List.copyOf(candidates), fleetSeconds, fleetClients);
    }

    private static Mode only(Mode current, Mode wanted) {
        if (current != null && current != wanted) {
            throw new IllegalArgumentException("--load, --soak, --footprint and --fleet exclude each other");
        }
        return wanted;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }
}
