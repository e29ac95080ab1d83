package io.execbroker.broker.bench;

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
 */
record BenchOptions(String mode, int stdoutMib, int echoMib, int reps, int setupN, int rttN, int rttWarmup,
                    int idleSessions, int warmupStdoutMib, int warmupEchoMib, int warmupSetups, boolean cli) {

    static final String USAGE = """
        Usage: deploy/dev/bench.sh [--quick] [options]
        Runs docker exec in container servertest through an in-process broker, directly on the Docker API
        (the broker's own ExecStream/DockerControl) and with the docker CLI, interleaved, and prints one
        table of the results and their ratios. The broker column drives the broker with a bare Vert.x
        WebSocket client (the same shape as the direct client); the "broker JDK client" column drives the
        same broker with the Java protocol client (ExecClient, JDK WebSocket), client cost included.
          --quick             small sizes, about a minute (default: the full run)
          --stdout-mib N      stdout per run, MiB            (full 1024, quick 64)
          --echo-mib N        stdin echo per run, MiB        (full 64, quick 8)
          --reps N            throughput runs per column     (3)
          --setup-n N         sequential `true` sessions     (full 100, quick 30)
          --rtt-n N           1-byte round trips             (full 1000, quick 300), after --rtt-warmup more
          --rtt-warmup N      unmeasured round trips         (full 200, quick 100)
          --idle-sessions N   concurrent idle sessions       (full 100, quick 30)
          --no-cli            leave out the docker CLI column
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
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> { }
                case "--help", "-h" -> {
                    return null;
                }
                case "--no-cli" -> cli = false;
                case "--stdout-mib", "--echo-mib", "--reps", "--setup-n", "--rtt-n", "--rtt-warmup", "--idle-sessions" -> {
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
                        default -> idleSessions = n;
                    }
                }
                default -> throw new IllegalArgumentException("unknown option: " + arg);
            }
        }
        return new BenchOptions(mode, stdoutMib, echoMib, reps, setupN, rttN, rttWarmup, idleSessions,
            Math.min(stdoutMib, quick ? 16 : 128), Math.min(echoMib, quick ? 4 : 16), quick ? 10 : 20, cli);
    }

    private static int positive(String option, String value) {
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
        return mode + " run: stdout " + stdoutMib + " MiB x" + reps + ", echo " + echoMib + " MiB x" + reps
            + ", setup N=" + setupN + ", RTT N=" + rttN + " (+" + rttWarmup + " warm-up), " + idleSessions
            + " idle sessions" + (cli ? "" : ", no CLI column");
    }
}
