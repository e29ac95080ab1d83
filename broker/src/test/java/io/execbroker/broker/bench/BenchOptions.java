package io.execbroker.broker.bench;

import java.util.List;

/**
 * The sizes of one benchmark run, from the command line.
 *
 * @param mode "full" or "quick", for the report
 * @param stdoutMib bytes of {@code head -c .. /dev/zero} per stdout run, in MiB
 * @param echoMib bytes sent through {@code cat} per echo run, in MiB
 * @param reps runs per column of each throughput measurement (interleaved); the report gives the median
 * @param setupN sequential {@code true} sessions per column
 * @param rttN 1-byte round trips per column, after {@code rttWarmup} more
 * @param rttWarmup round trips per column that are not measured
 * @param idleSessions concurrent {@code sleep 30} sessions for the thread count
 * @param warmupStdoutMib stdout per column and tty mode before anything is measured
 * @param warmupEchoMib echo per column before anything is measured
 * @param warmupSetups {@code true} sessions per column before anything is measured
 * @param cli whether to run the docker CLI column
 * @param parts which parts run: the exec measurements, the events part, or both
 * @param eventsRate Docker events a second the events part makes ({@link EventLoad})
 * @param eventsWindowSeconds the events part's window per side and number of receivers, about, in seconds
 * @param eventsReceivers the numbers of watchers (and of direct streams) the events part runs with
 */
record BenchOptions(String mode, int stdoutMib, int echoMib, int reps, int setupN, int rttN, int rttWarmup,
                    int idleSessions, int warmupStdoutMib, int warmupEchoMib, int warmupSetups, boolean cli,
                    Parts parts, int eventsRate, int eventsWindowSeconds, List<Integer> eventsReceivers) {

    /** Which parts of the benchmark run. */
    enum Parts {
        ALL, EXEC_ONLY, EVENTS_ONLY;

        boolean exec() {
            return this != EVENTS_ONLY;
        }

        boolean events() {
            return this != EXEC_ONLY;
        }
    }

    static final String USAGE = """
        Usage: deploy/dev/bench.sh [--quick] [options]
        Runs docker exec in container servertest through an in-process broker, directly on the Docker API
        (the broker's own ExecStream/DockerControl) and with the docker CLI, interleaved, and prints one
        table of the results and their ratios. The broker column drives the broker with a bare Vert.x
        WebSocket client (the same shape as the direct client); the "broker JDK client" column drives the
        same broker with the Java protocol client (ExecClient, JDK WebSocket), client cost included.
        Then the events part: Docker events at a steady rate to N watchers on the broker's /events and,
        interleaved, to N direct GET /events streams, with events/s, latency and memory per watcher.
          --quick             small sizes, about a minute and a half (default: the full run)
          --stdout-mib N      stdout per run, MiB            (full 1024, quick 64)
          --echo-mib N        stdin echo per run, MiB        (full 64, quick 8)
          --reps N            throughput runs per column     (3)
          --setup-n N         sequential `true` sessions     (full 100, quick 30)
          --rtt-n N           1-byte round trips             (full 1000, quick 300), after --rtt-warmup more
          --rtt-warmup N      unmeasured round trips         (full 200, quick 100)
          --idle-sessions N   concurrent idle sessions       (full 100, quick 30)
          --no-cli            leave out the docker CLI column
          --no-events         leave out the events part
          --events-only       run the events part only
          --events-rate N     Docker events made per second  (10: kill SIGCONT on servertest)
          --events-window-s N window per side and N, s       (full 10, quick 2)
          --events-n LIST     watchers (and direct streams)  (1,100,1000)
          --help
        Take final figures on a quiet machine: other load skews every column.""";

    /** Parses {@code args}; returns null for {@code --help}. */
    static BenchOptions parse(String[] args) {
        boolean quick = java.util.Arrays.asList(args).contains("--quick");
        String mode = quick ? "quick" : "full";
        int stdoutMib = quick ? 64 : 1024;
        int echoMib = quick ? 8 : 64;
        int reps = 3;
        int setupN = quick ? 30 : 100;
        int rttN = quick ? 300 : 1000;
        int rttWarmup = quick ? 100 : 200;
        int idleSessions = quick ? 30 : 100;
        boolean cli = true;
        Parts parts = Parts.ALL;
        int eventsRate = 10;
        int eventsWindow = quick ? 2 : 10;
        List<Integer> eventsReceivers = List.of(1, 100, 1000);
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> { }
                case "--help", "-h" -> {
                    return null;
                }
                case "--no-cli" -> cli = false;
                case "--no-events" -> parts = only(parts, Parts.EXEC_ONLY);
                case "--events-only" -> parts = only(parts, Parts.EVENTS_ONLY);
                case "--events-n" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a list of numbers, like 1,100,1000");
                    }
                    String list = args[++i];
                    eventsReceivers = java.util.Arrays.stream(list.split(",", -1)).map(n -> positive(arg, n)).toList();
                }
                case "--stdout-mib", "--echo-mib", "--reps", "--setup-n", "--rtt-n", "--rtt-warmup", "--idle-sessions",
                     "--events-rate", "--events-window-s" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a number");
                    }
                    int n = positive(arg, args[++i]);
                    switch (arg) {
                        case "--stdout-mib" -> stdoutMib = n;
                        case "--echo-mib" -> echoMib = Math.min(n, 1024);
                        case "--reps" -> reps = n;
                        case "--setup-n" -> setupN = n;
                        case "--rtt-n" -> rttN = n;
                        case "--rtt-warmup" -> rttWarmup = n;
                        case "--events-rate" -> eventsRate = n;
                        case "--events-window-s" -> eventsWindow = n;
                        default -> idleSessions = n;
                    }
                }
                default -> throw new IllegalArgumentException("unknown option: " + arg);
            }
        }
        return new BenchOptions(mode, stdoutMib, echoMib, reps, setupN, rttN, rttWarmup, idleSessions,
            Math.min(stdoutMib, quick ? 16 : 128), Math.min(echoMib, quick ? 4 : 16), quick ? 10 : 20, cli,
            parts, eventsRate, eventsWindow, eventsReceivers);
    }

    private static Parts only(Parts current, Parts wanted) {
        if (current != Parts.ALL && current != wanted) {
            throw new IllegalArgumentException("--no-events and --events-only exclude each other");
        }
        return wanted;
    }

    /** Returns the most watchers the events part opens at once, 0 when it does not run. */
    int maxWatchers() {
        return parts.events() ? java.util.Collections.max(eventsReceivers) : 0;
    }

    /** Returns {@code value} as a number > 0, or throws naming {@code option}. */
    static int positive(String option, String value) {
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + ": " + value + " (expected: a number > 0)");
    }

    /** One line saying what this run does. */
    String describe() {
        String events = parts.events() ? "events " + eventsRate + "/s to " + eventsReceivers + " receivers, "
            + eventsWindowSeconds + " s windows" : "no events part";
        if (!parts.exec()) {
            return mode + " run: events part only, " + events;
        }
        return mode + " run: stdout " + stdoutMib + " MiB x" + reps + ", echo " + echoMib + " MiB x" + reps
            + ", setup N=" + setupN + ", RTT N=" + rttN + " (+" + rttWarmup + " warm-up), " + idleSessions
            + " idle sessions" + (cli ? "" : ", no CLI column") + ", " + events;
    }
}
