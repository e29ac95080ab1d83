package io.execbroker.broker.bench;

import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.docker.DockerClients;
import io.execbroker.broker.events.EventHub;
import org.awaitility.core.ConditionTimeoutException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The events part: Docker events made at a steady rate ({@link EventLoad}) go to N watchers on the broker and,
 * interleaved, to N direct {@code GET /events} streams, for each N of the options. Each run opens its receivers,
 * lets the load run until every one has got an event (all are live) and then one made after that (each has
 * caught up with what queued while they were opening), then measures a window: from a start time
 * until one more direct stream, the reference, has counted {@code rate x seconds} events of it. The window's
 * events are those whose {@code timeNano} lies in it; the run waits (bounded) until every receiver has got an
 * event past the window, so it has all of the window's, and counts what each got and how late. For the largest N
 * it also takes the memory of this JVM and of dockerd before and with the receivers open.
 */
final class EventsBench {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(10);
    /** File descriptors a receiver takes in this JVM: a broker watcher's client and server ends. */
    private static final int FDS_PER_RECEIVER = 2;
    private static final int FDS_SPARE = 1024;

    private final BenchOptions options;
    private final BrokerSubject broker;
    private final DockerClient docker;
    private final Progress progress;
    private final OptionalLong dockerd = DockerdProcess.of(DockerClients.configFromEnvironment().getDockerHost());

    EventsBench(BenchOptions options, BrokerSubject broker, DockerClient docker, Progress progress) {
        this.options = options;
        this.broker = broker;
        this.docker = docker;
        this.progress = progress;
    }

    EventsResult run() throws Exception {
        int largest = Collections.max(options.eventsReceivers());
        checkFileLimit(largest);
        EventHub hub = broker.broker().events();
        int opensBefore = hub.upstreamOpens();
        double serial = EventLoad.serialRate(docker, Duration.ofSeconds(options.mode().equals("quick") ? 1 : 3));
        progress.say(String.format("events: Docker answers %.1f kill calls/s one at a time; load %d/s; receivers %s;"
            + " window %d s; dockerd pid %s", serial, options.eventsRate(), options.eventsReceivers(),
            options.eventsWindowSeconds(), dockerd.isPresent() ? Long.toString(dockerd.getAsLong()) : "unknown"));
        List<EventsResult.Run> runs = new ArrayList<>();
        long skipped;
        try (EventLoad load = new EventLoad(docker);
             BrokerWatchers watchers = BrokerWatchers.start(broker);
             DirectEventStreams direct = DirectEventStreams.start()) {
            load.start(options.eventsRate());
            List<Integer> ns = options.eventsReceivers();
            for (int i = 0; i < ns.size(); i++) {
                // Alternating, with direct first for the last (largest) N: closing 1,000 broker watchers leaves
                // memory that two full GCs do not always free at once, which would raise direct's baseline.
                List<EventReceivers> order = (ns.size() - 1 - i) % 2 == 0 ? List.of(direct, watchers)
                    : List.of(watchers, direct);
                for (EventReceivers side : order) {
                    runs.add(measure(side, ns.get(i), ns.get(i) == largest, direct, hub));
                }
            }
            load.stop();
            load.checkNoFailure();
            skipped = load.skipped();
        }
        return new EventsResult(options.eventsRate(), serial, skipped, runs, hub.upstreamOpens() - opensBefore);
    }

    private EventsResult.Run measure(EventReceivers side, int n, boolean memory, DirectEventStreams direct,
                                     EventHub hub) throws Exception {
        long target = (long) options.eventsRate() * options.eventsWindowSeconds();
        EventTally tally = new EventTally(n, (int) Math.min(Integer.MAX_VALUE, 2 * n * target + 1024));
        EventTally reference = new EventTally(1, 1);
        try (EventReceivers.Opened ref = direct.open(reference)) {
            Optional<ProcessMemory> before = memory ? Optional.of(ProcessMemory.now(dockerd)) : Optional.empty();
            int opens = hub.upstreamOpens();
            long openStart = System.nanoTime();
            try (EventReceivers.Opened opened = side.open(tally)) {
                double openSeconds = (System.nanoTime() - openStart) / 1e9;
                await(n + " " + side.name() + " receivers live (each got an event)").atMost(READY_TIMEOUT)
                    .pollInterval(POLL).until(() -> tally.ready() + tally.lost() >= n && reference.ready() == 1);
                // What queued up while they were opening must not count as the window's latency: wait until
                // each has got an event made after all were live, so it is caught up.
                long live = EventTally.epochNanos();
                long catchUpStart = System.nanoTime();
                await(n + " " + side.name() + " receivers caught up").atMost(READY_TIMEOUT).pollInterval(POLL)
                    .until(() -> tally.notPast(live) == 0);
                double catchUpSeconds = (System.nanoTime() - catchUpStart) / 1e9;
                double machineBefore = MachineCpu.busySeconds();
                long processBefore = ThreadCpu.processCpuNanos();
                ThreadCpu.Sample brokerBefore = ThreadCpu.sample(BrokerSubject.THREAD_PREFIX);
                ThreadCpu.Sample clientBefore = ThreadCpu.sample(side.threadPrefix());
                long from = EventTally.epochNanos();
                tally.startWindow(from);
                reference.startWindow(from);
                await("the window's " + target + " events at the reference stream")
                    .atMost(Duration.ofSeconds(3L * options.eventsWindowSeconds() + 30)).pollInterval(POLL)
                    .until(() -> reference.deliveredInWindow() >= target);
                long to = EventTally.epochNanos();
                tally.endWindow(to);
                reference.endWindow(to);
                int behind = drain(tally, reference, to);
                double seconds = (EventTally.epochNanos() - from) / 1e9;
                double machineCores = (MachineCpu.busySeconds() - machineBefore) / seconds;
                ThreadCpu.Sample brokerAfter = ThreadCpu.sample(BrokerSubject.THREAD_PREFIX);
                double brokerCores = side instanceof BrokerWatchers
                    ? brokerAfter.cpuNanosSince(brokerBefore) / 1e9 / seconds : 0;
                double clientCores = ThreadCpu.sample(side.threadPrefix()).cpuNanosSince(clientBefore) / 1e9 / seconds;
                double processCores = (ThreadCpu.processCpuNanos() - processBefore) / 1e9 / seconds;
                String busiest = side instanceof BrokerWatchers ? busiest(brokerAfter, brokerBefore, seconds) : "";
                Optional<ProcessMemory> with = memory ? Optional.of(ProcessMemory.now(dockerd)) : Optional.empty();
                long[] latencies = tally.latencies();
                long delivered = tally.deliveredInWindow();
                long last = tally.lastReceivedNanos();
                EventsResult.Run run = new EventsResult.Run(side.name(), n, openSeconds, catchUpSeconds,
                    (to - from) / 1e9, reference.deliveredInWindow(), delivered,
                    last < from ? 0 : delivered / ((last - from) / 1e9), pct(latencies, 50), pct(latencies, 99),
                    pct(latencies, 100), tally.lost(), behind, hub.upstreamOpens() - opens, machineCores, brokerCores,
                    clientCores, processCores, busiest, before, with);
                progress.say(String.format("events %-6s N=%-5d %9.0f events/s delivered (%d of %d x %d), latency"
                    + " p50 %.2f ms p99 %.2f ms, open %.2f s, lost %d, behind %d", side.name(), n, run.perSecond(),
                    delivered, run.expected(), n, run.p50Nanos() / 1e6, run.p99Nanos() / 1e6, openSeconds,
                    run.lost(), behind));
                return run;
            }
        }
    }

    /** Waits until every receiver has all of the window; returns how many still lacked part of it at the timeout. */
    private int drain(EventTally tally, EventTally reference, long to) {
        try {
            await("every receiver past the window")
                .atMost(Duration.ofSeconds(Math.max(10, options.eventsWindowSeconds()))).pollInterval(POLL)
                .until(() -> tally.notPast(to) == 0 && reference.notPast(to) == 0);
            return 0;
        } catch (ConditionTimeoutException e) {
            return tally.notPast(to);
        }
    }

    /** Returns the three threads that used the most CPU between the samples, like {@code loop-1 0.42}, in cores. */
    private static String busiest(ThreadCpu.Sample after, ThreadCpu.Sample before, double seconds) {
        return after.cpuNanosByNameSince(before).entrySet().stream()
            .sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(3)
            .map(e -> String.format("%s %.2f", e.getKey().substring(BrokerSubject.THREAD_PREFIX.length()),
                e.getValue() / 1e9 / seconds))
            .collect(java.util.stream.Collectors.joining(", "));
    }

    private static long pct(long[] values, double p) {
        return values.length == 0 ? -1 : Stats.percentile(values, p);
    }

    /** Fails before anything opens when this process may not hold the sockets of {@code receivers} watchers. */
    private static void checkFileLimit(int receivers) {
        long limit = openFileLimit();
        long needed = (long) FDS_PER_RECEIVER * receivers + FDS_SPARE;
        BenchException.check(limit < 0 || limit >= needed, "the events part needs " + needed + " open files for "
            + receivers + " watchers, and this process may have " + limit + ": raise ulimit -n");
    }

    /** Returns the soft limit of open files of this process ({@code /proc/self/limits}), -1 if unknown or unlimited. */
    private static long openFileLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
