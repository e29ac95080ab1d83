package io.execbroker.broker.bench;

import com.github.dockerjava.api.DockerClient;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs every measurement on every column, interleaved: repetition {@code r} runs the columns in an order rotated
 * by {@code r} (broker, direct, CLI; then direct, CLI, broker; ...), setups and round trips alternate one by one,
 * so that drift of the machine hurts all columns alike. Everything is warmed up first.
 */
final class Measurements {
    private static final double GIB = 1024.0 * 1024 * 1024;

    private final BenchOptions options;
    private final List<Subject> subjects;
    private final Progress progress;
    private final Results results = new Results();
    private BrokerSubject broker;

    Measurements(BenchOptions options, List<Subject> subjects, Progress progress) {
        this.options = options;
        this.subjects = subjects;
        this.progress = progress;
    }

    @FunctionalInterface
    private interface TransferRun {
        Subject.Transfer run(Subject subject) throws Exception;
    }

    Results runAll(BrokerSubject broker, DockerClient docker) throws Exception {
        this.broker = broker;
        warmUp();
        long stdoutBytes = options.stdoutMib() * 1024L * 1024;
        throughput("stdout tty=off", results.stdoutTtyOff, s -> s.stdout(stdoutBytes, false), stdoutBytes);
        throughput("stdout tty=on", results.stdoutTtyOn, s -> s.stdout(stdoutBytes, true), 0);
        Payload payload = Payload.random(options.echoMib() * 1024 * 1024);
        throughput("stdin echo", results.echo, s -> s.echo(payload), 0);
        setup();
        roundTrips();
        progress.say("idle sessions: 2 rounds of " + options.idleSessions() + " concurrent sleep 30 sessions");
        try {
            results.threads = IdleSessions.run(broker, docker, options.idleSessions());
        } catch (Exception e) {
            // Reported with everything measured before it; the benchmark still exits 1.
            results.threadsFailure = e.getMessage();
            progress.say("idle sessions FAILED: " + e.getMessage());
        }
        return results;
    }

    private void warmUp() throws Exception {
        long bytes = options.warmupStdoutMib() * 1024L * 1024;
        Payload payload = Payload.random(options.warmupEchoMib() * 1024 * 1024);
        for (Subject s : subjects) {
            progress.say("warm-up " + s.name());
            s.stdout(bytes, false);
            s.stdout(bytes, true);
            s.echo(payload);
            for (int i = 0; i < options.warmupSetups(); i++) {
                s.setupTrue();
            }
        }
    }

    /**
     * Runs {@code run} {@code reps} times per column; with {@code cpuBytes > 0} also samples the CPU time of the
     * broker's and the direct client's threads around each run, per GiB of {@code cpuBytes}.
     */
    private void throughput(String label, Map<String, double[]> into, TransferRun run, long cpuBytes) throws Exception {
        int n = subjects.size();
        int reps = options.reps();
        for (Subject s : subjects) {
            into.put(s.name(), new double[reps]);
        }
        for (int rep = 0; rep < reps; rep++) {
            for (int k = 0; k < n; k++) {
                Subject s = subjects.get((rep + k) % n);
                String own = ownThreads(s);
                ThreadCpu.Sample before = own == null ? null : ThreadCpu.sample(own);
                long processBefore = ThreadCpu.processCpuNanos();
                double machineBefore = MachineCpu.busySeconds();
                double childrenBefore = ChildCpu.reapedSeconds();
                Subject.Transfer t = run.run(s);
                double machineCpu = MachineCpu.busySeconds() - machineBefore;
                long processCpu = ThreadCpu.processCpuNanos() - processBefore;
                into.get(s.name())[rep] = t.mibPerSecond();
                String cpuNote = "";
                if (cpuBytes > 0) {
                    double gib = cpuBytes / GIB;
                    if (machineBefore >= 0) {
                        results.machineCpuPerGiB.computeIfAbsent(s.name(), x -> new double[reps])[rep] = machineCpu / gib;
                        cpuNote = String.format(", machine %.2f s/GiB", machineCpu / gib);
                    }
                    if (own != null) {
                        ThreadCpu.Sample after = ThreadCpu.sample(own);
                        double ownPerGiB = after.cpuNanosSince(before) / 1e9 / gib;
                        double processPerGiB = processCpu / 1e9 / gib;
                        results.ownCpuPerGiB.computeIfAbsent(s.name(), x -> new double[reps])[rep] = ownPerGiB;
                        results.processCpuPerGiB.computeIfAbsent(s.name(), x -> new double[reps])[rep] = processPerGiB;
                        results.threadsDiedWhileSampled += after.diedSince(before);
                        if (s instanceof RawWsSubject) {
                            after.cpuNanosByNameSince(before).forEach((name, nanos) ->
                                results.brokerCpuByThread.merge(name, nanos / 1e9, Double::sum));
                        }
                        cpuNote += String.format(", JVM %.2f s/GiB, own threads %.3f s/GiB", processPerGiB, ownPerGiB);
                    } else if (s instanceof CliSubject && childrenBefore >= 0) {
                        // the CLI's own CPU: its process, waited for by the end of the run
                        double cliPerGiB = (ChildCpu.reapedSeconds() - childrenBefore) / gib;
                        results.ownCpuPerGiB.computeIfAbsent(s.name(), x -> new double[reps])[rep] = cliPerGiB;
                        cpuNote += String.format(", CLI process %.3f s/GiB", cliPerGiB);
                    }
                }
                progress.say(String.format("%s %d/%d %-17s %8.1f MiB/s%s", label, rep + 1, reps, s.name(),
                    t.mibPerSecond(), cpuNote));
            }
        }
    }

    /** The thread-name prefix whose CPU is the column's own: the broker's for both broker columns. */
    private static String ownThreads(Subject s) {
        if (s instanceof BrokerSubject || s instanceof RawWsSubject) {
            return BrokerSubject.THREAD_PREFIX;
        }
        return s instanceof DirectSubject ? DirectSubject.THREAD_PREFIX : null;
    }

    private void setup() throws Exception {
        int n = subjects.size();
        int count = options.setupN();
        for (Subject s : subjects) {
            results.setupNanos.put(s.name(), new long[count]);
        }
        SetupSteps steps = new SetupSteps(broker.broker().metrics().registry());
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < n; k++) {
                Subject s = subjects.get((i + k) % n);
                long[] before = steps.totals();
                long start = System.nanoTime();
                results.setupNanos.get(s.name())[i] = s.setupTrue();
                if (s instanceof BrokerSubject || s instanceof RawWsSubject) {
                    results.setupToHandshakeNanos.computeIfAbsent(s.name(), x -> new long[count])[i] =
                        broker.handshakeSeenAt() - start;
                    long[] after = steps.totals();
                    Map<String, long[]> perStep = results.setupStepNanos.computeIfAbsent(s.name(),
                        x -> new LinkedHashMap<>());
                    for (int step = 0; step < after.length; step++) {
                        perStep.computeIfAbsent(SetupSteps.STEPS.get(step), x -> new long[count])[i] =
                            after[step] - before[step];
                    }
                }
            }
            if ((i + 1) % Math.max(1, count / 4) == 0 || i + 1 == count) {
                progress.say("setup " + (i + 1) + "/" + count);
            }
        }
    }

    private void roundTrips() throws Exception {
        int n = subjects.size();
        Map<Subject, Subject.Echo> echoes = new LinkedHashMap<>();
        Exception failure = null;
        try {
            for (Subject s : subjects) {
                echoes.put(s, s.openEcho());
                results.rttNanos.put(s.name(), new long[options.rttN()]);
            }
            progress.say("round trips: " + options.rttWarmup() + " warm-up, " + options.rttN() + " measured");
            for (int i = 0; i < options.rttWarmup(); i++) {
                for (Subject.Echo echo : echoes.values()) {
                    echo.roundTrip((byte) i);
                }
            }
            for (int i = 0; i < options.rttN(); i++) {
                for (int k = 0; k < n; k++) {
                    Subject s = subjects.get((i + k) % n);
                    results.rttNanos.get(s.name())[i] = echoes.get(s).roundTrip((byte) (i * 31 + k));
                }
            }
        } catch (Exception e) {
            failure = e;
        }
        for (Subject.Echo echo : echoes.values()) {
            try {
                echo.close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
