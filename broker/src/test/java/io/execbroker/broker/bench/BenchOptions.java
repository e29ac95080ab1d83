package io.execbroker.broker.bench;

/**
 * The sizes of one benchmark run, from the command line.
 *
 * @param mode "full" or "quick", for the report
 * @param stdoutMib bytes of {@code head -c .. /dev/zero} per stdout run, in MiB
 * @param echoMib bytes sent through {@code cat} per echo run, in MiB
 * @param reps runs per subject of each throughput measurement (interleaved); the report gives the median
 * @param setupN sequential {@code true} sessions per subject
 * @param rttN 1-byte round trips per subject, after {@code rttWarmup} more
 * @param rttWarmup round trips per subject that are not measured
 * @param idleSessions concurrent {@code sleep 30} sessions for the thread count
 * @param warmupStdoutMib stdout per subject and tty mode before anything is measured
 * @param warmupEchoMib echo per subject before anything is measured
 * @param warmupSetups {@code true} sessions per subject before anything is measured
 * @param cli whether to run the docker CLI column
 */
record BenchOptions(String mode, int stdoutMib, int echoMib, int reps, int setupN, int rttN, int rttWarmup,
                    int idleSessions, int warmupStdoutMib, int warmupEchoMib, int warmupSetups, boolean cli) {

    static final String USAGE = """
        Usage: deploy/dev/bench.sh [--quick] [options]
        Runs docker exec in container servertest through an in-process broker (WebSocket, protocol client),
        directly on the Docker API (the broker's own ExecStream/DockerControl) and with the docker CLI,
        interleaved, and prints one table of the results and their ratios.
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

    static BenchOptions full() {
        return new BenchOptions("full", 1024, 64, 3, 100, 1000, 200, 100, 128, 16, 20, true);
    }

    static BenchOptions quick() {
        return new BenchOptions("quick", 64, 8, 3, 30, 300, 100, 30, 16, 4, 10, true);
    }

    /** Parses {@code args}; returns null for {@code --help}. */
    static BenchOptions parse(String[] args) {
        BenchOptions o = full();
        for (String arg : args) {
            if (arg.equals("--quick")) {
                o = quick();
            }
        }
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--quick" -> { }
                case "--help", "-h" -> {
                    return null;
                }
                case "--no-cli" -> o = o.withCli(false);
                case "--stdout-mib", "--echo-mib", "--reps", "--setup-n", "--rtt-n", "--rtt-warmup", "--idle-sessions" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a number");
                    }
                    o = o.with(arg, positive(arg, args[++i]));
                }
                default -> throw new IllegalArgumentException("unknown option: " + arg);
            }
        }
        return o;
    }

    private BenchOptions with(String option, int n) {
        return switch (option) {
            case "--stdout-mib" -> new BenchOptions(mode, n, echoMib, reps, setupN, rttN, rttWarmup, idleSessions,
                Math.min(warmupStdoutMib, n), warmupEchoMib, warmupSetups, cli);
            case "--echo-mib" -> new BenchOptions(mode, stdoutMib, n, reps, setupN, rttN, rttWarmup, idleSessions,
                warmupStdoutMib, Math.min(warmupEchoMib, n), warmupSetups, cli);
            case "--reps" -> new BenchOptions(mode, stdoutMib, echoMib, n, setupN, rttN, rttWarmup, idleSessions,
                warmupStdoutMib, warmupEchoMib, warmupSetups, cli);
            case "--setup-n" -> new BenchOptions(mode, stdoutMib, echoMib, reps, n, rttN, rttWarmup, idleSessions,
                warmupStdoutMib, warmupEchoMib, warmupSetups, cli);
            case "--rtt-n" -> new BenchOptions(mode, stdoutMib, echoMib, reps, setupN, n, rttWarmup, idleSessions,
                warmupStdoutMib, warmupEchoMib, warmupSetups, cli);
            case "--rtt-warmup" -> new BenchOptions(mode, stdoutMib, echoMib, reps, setupN, rttN, n, idleSessions,
                warmupStdoutMib, warmupEchoMib, warmupSetups, cli);
            case "--idle-sessions" -> new BenchOptions(mode, stdoutMib, echoMib, reps, setupN, rttN, rttWarmup, n,
                warmupStdoutMib, warmupEchoMib, warmupSetups, cli);
            default -> throw new IllegalArgumentException(option);
        };
    }

    private BenchOptions withCli(boolean value) {
        return new BenchOptions(mode, stdoutMib, echoMib, reps, setupN, rttN, rttWarmup, idleSessions,
            warmupStdoutMib, warmupEchoMib, warmupSetups, value);
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
