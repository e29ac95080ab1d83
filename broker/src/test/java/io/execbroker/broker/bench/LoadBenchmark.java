package io.execbroker.broker.bench;

import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The broker process under load ({@code deploy/dev/bench.sh --load}, {@code --soak [MINUTES]},
 * {@code --footprint}, {@code --fleet [SECONDS]}; {@code --help} for the options): see {@link LoadRun},
 * {@link Soak}, {@link Footprint} and {@link FleetRun}.
 * A program, not a test; the CI never runs it. Exits 0 when the part ran and found nothing wrong, 1 when it could
 * not run or found lost bytes, orphans or sessions left open (after printing what it measured), 2 on bad options.
 */
public final class LoadBenchmark {
    private LoadBenchmark() {
    }

    public static void main(String[] args) {
        LoadOptions options = BenchLaunch.options(args, LoadOptions::parse, LoadOptions.USAGE);
        Progress progress = new Progress();
        int status = 0;
        try {
            String before = ExecBenchmark.loadAverage();
            String report = switch (options.mode()) {
                case FOOTPRINT -> Footprint.run(options, progress);
                case FLEET -> FleetRun.run(options, progress);
                case LOAD, SOAK -> {
                    try (LoadRig rig = LoadRig.start(options.brokerJvm(), options.sessions(), progress)) {
                        yield options.mode() == LoadOptions.Mode.LOAD ? LoadRun.run(options, rig, progress)
                            : Soak.run(options, rig, progress);
                    }
                }
            };
            System.out.printf("exec-broker %s, %s; %d CPUs; Java %s; load average before %s, after %s; %.0f s%n",
                options.mode().name().toLowerCase(java.util.Locale.ROOT), OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS),
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), before,
                ExecBenchmark.loadAverage(), progress.seconds());
            if (options.mode() != LoadOptions.Mode.FOOTPRINT) { // --fleet: both brokers run with these
                System.out.println("broker JVM flags: " + String.join(" ", options.brokerJvm()));
            }
            System.out.print(report);
            System.out.flush();
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
}
