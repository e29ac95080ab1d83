package io.execbroker.broker.bench;

import com.github.dockerjava.api.DockerClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The broker against a direct Docker API client (and the docker CLI), side by side in one run, as ratios: stdout
 * throughput with and without tty, stdin echo throughput, setup time, 1-byte round trip, the broker's CPU per
 * GiB and its thread count under idle sessions; then Docker events to 1, 100 and 1,000 watchers against as many
 * direct event streams ({@link EventsBench}): events a second, latency, memory per watcher. A program, not a test: run it with {@code deploy/dev/bench.sh}
 * ({@code --help} for the options). Exits 0 when every run completed and verified its bytes (whatever the
 * verdicts), 1 when it could not run (no Docker, no {@code servertest}, wrong bytes) or when the idle sessions were
 * not all gone, processes included, within a minute of closing, or the events part could not run (after printing
 * the rest), 2 on bad options.
 */
public final class ExecBenchmark {
    private ExecBenchmark() {
    }

    public static void main(String[] args) {
        BenchOptions options = BenchLaunch.options(args, BenchOptions::parse, BenchOptions.USAGE);
        Progress progress = new Progress();
        int status = 0;
        try {
            run(options, progress);
        } catch (BenchException e) {
            System.err.println("bench: ERROR: " + e.getMessage());
            status = 1;
        } catch (Exception | AssertionError e) {
            System.err.println("bench: ERROR: " + e);
            e.printStackTrace();
            status = 1;
        }
        progress.say(status == 0 ? "done, everything stopped" : "failed");
        System.exit(status);
    }

    private static void run(BenchOptions options, Progress progress) throws Exception {
        ThreadCpu.enable();
        String loadBefore = loadAverage();
        double[] stealBefore = MachineCpu.stealAndTotalSeconds();
        try (DockerClient docker = Preflight.check()) {
            String engine = Preflight.engineVersion(docker);
            Optional<CliSubject> cli = options.cli() ? CliSubject.find() : Optional.empty();
            if (options.cli() && cli.isEmpty()) {
                progress.say("no working docker CLI here: the docker CLI column is left out");
            }
            progress.say(options.describe());
            try (DirectSubject direct = DirectSubject.start();
                 BrokerSubject broker = BrokerSubject.start(options.idleSessions() + 10, options.maxWatchers());
                 RawWsSubject raw = RawWsSubject.start(broker)) {
                List<Subject> subjects = new ArrayList<>(List.of(raw, direct));
                cli.ifPresent(subjects::add);
                subjects.add(broker);
                Results results = options.parts().exec()
                    ? new Measurements(options, subjects, progress).runAll(broker, docker) : null;
                EventsResult events = null;
                String eventsFailure = null;
                if (options.parts().events()) {
                    try {
                        events = new EventsBench(options, broker, docker, progress).run();
                    } catch (BenchException | org.awaitility.core.ConditionTimeoutException e) {
                        // Reported after everything measured before it; the benchmark still exits 1.
                        eventsFailure = e.getMessage();
                        progress.say("events part FAILED: " + e.getMessage());
                    }
                }
                List<String> context = List.of(
                    "exec-broker benchmark, " + options.describe(),
                    String.format("%s; %d CPUs; Java %s; Docker engine %s; container servertest",
                        OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS), Runtime.getRuntime().availableProcessors(),
                        System.getProperty("java.version"), engine),
                    String.format("load average before: %s, after: %s; measured in %.0f s (final figures need a quiet"
                        + " machine)", loadBefore, loadAverage(), progress.seconds()),
                    MachineCpu.describeSteal(stealBefore, MachineCpu.stealAndTotalSeconds()),
                    "throughput: bytes after the first read / time from first read to last byte; broker = in-process"
                        + " broker driven over WebSocket on 127.0.0.1 by a bare Vert.x WebSocket client (the same shape"
                        + " as direct); direct = ExecStream/DockerControl on the Docker socket; broker JDK client = the"
                        + " same broker driven by the Java protocol client (ExecClient, JDK WebSocket), its cost included");
                if (results != null) {
                    System.out.print(Report.render(options, results, context));
                } else {
                    context.forEach(System.out::println);
                }
                if (events != null) {
                    System.out.print("\n" + EventsReport.render(events, options.eventsReceivers()));
                }
                System.out.flush();
                BenchException.check(results == null || results.threadsFailure == null,
                    "idle sessions: " + (results == null ? "" : results.threadsFailure));
                BenchException.check(eventsFailure == null, "events part: " + eventsFailure);
                progress.say("stopping the broker and the direct client");
            }
        }
    }

    /** The three load averages of /proc/loadavg, like {@code 1.52 1.10 0.93}, or "unknown". */
    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
