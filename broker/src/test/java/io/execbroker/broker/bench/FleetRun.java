package io.execbroker.broker.bench;

import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.broker.testing.SecondEngine;
import io.execbroker.broker.testing.TestController;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Two brokers, each the deployed jar on an engine of its own: {@code host-a} on the shared engine
 * ({@code servertest}), {@code host-b} on the tests' second dockerd (a container of this run), each behind its own
 * controller. Each is loaded alone, then both at once, with the same number of clients running {@code true}
 * sessions back to back; the table gives sessions per second and setup p50/p99 (connect to {@code stopped}) per
 * broker and phase. One machine holds both engines here, so "at once" shares its 2 cores: what it shows is that
 * the brokers share nothing else (no lock, no store), not the scaling of separate hosts.
 */
final class FleetRun {
    private static final int WARM_UP = 20;

    private FleetRun() {
    }

    /** One broker of the fleet and its client. */
    private record Host(String id, BrokerProcess broker, RawWsSubject client) {
    }

    /** What one broker did in one phase. */
    private record Tally(String host, String phase, long[] setupNanos, double seconds) {
    }

    static String run(LoadOptions options, Progress progress) throws Exception {
        Preflight.check().close();
        SecondEngine.ensureStarted();
        String containerB = "bench-fleet-" + UUID.randomUUID().toString().substring(0, 8);
        int clients = options.fleetClients();
        try (DockerClient engineB = DockerFixture.connect(SecondEngine.config())) {
            engineB.createContainerCmd(DockerFixture.IMAGE).withName(containerB).withCmd("sleep", "3600")
                .withStopTimeout(1).exec();
            engineB.startContainerCmd(containerB).exec();
            try (TestController controllerA = TestController.start(DockerFixture.CONTAINER, () -> { });
                 TestController controllerB = TestController.start(containerB, () -> { });
                 BrokerProcess brokerA = BrokerProcess.start(options.brokerJvm(), controllerA.url(), 2 * clients);
                 BrokerProcess brokerB = BrokerProcess.start(onSecondEngine(options.brokerJvm()), controllerB.url(),
                     2 * clients);
                 RawWsSubject clientA = RawWsSubject.connect(brokerA.port(), TestController.GOOD_TOKEN, 2 * clients);
                 RawWsSubject clientB = RawWsSubject.connect(brokerB.port(), TestController.GOOD_TOKEN, 2 * clients)) {
                Host a = new Host("host-a", brokerA, clientA);
                Host b = new Host("host-b", brokerB, clientB);
                progress.say("host-a: broker pid " + brokerA.pid() + " on the shared engine; host-b: broker pid "
                    + brokerB.pid() + " on " + SecondEngine.HOST + " (container " + containerB + ")");
                for (Host host : List.of(a, b)) {
                    for (int i = 0; i < WARM_UP; i++) {
                        host.client().setupTrue();
                    }
                }
                List<Tally> tallies = new ArrayList<>();
                tallies.addAll(phase("alone", List.of(a), options, progress));
                tallies.addAll(phase("alone", List.of(b), options, progress));
                tallies.addAll(phase("both at once", List.of(a, b), options, progress));
                return table(tallies, clients, options.fleetSeconds());
            }
        } finally {
            try (DockerClient engineB = DockerFixture.connect(SecondEngine.config())) {
                engineB.removeContainerCmd(containerB).withForce(true).exec();
            }
        }
    }

    /** The broker's JVM flags, and {@code DOCKER_HOST} of the second engine in its environment. */
    private static List<String> onSecondEngine(List<String> jvm) {
        List<String> flags = new ArrayList<>(jvm);
        flags.add("DOCKER_HOST=" + SecondEngine.HOST);
        return flags;
    }

    /** {@code clients} threads per host run {@code true} sessions back to back for the phase's seconds. */
    private static List<Tally> phase(String name, List<Host> hosts, LoadOptions options, Progress progress)
            throws Exception {
        int clients = options.fleetClients();
        long end = System.nanoTime() + options.fleetSeconds() * 1_000_000_000L;
        ExecutorService threads = Executors.newFixedThreadPool(clients * hosts.size());
        try {
            List<List<Future<List<Long>>>> runs = new ArrayList<>();
            long start = System.nanoTime();
            for (Host host : hosts) {
                List<Future<List<Long>>> mine = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    mine.add(threads.submit(() -> {
                        List<Long> setups = new ArrayList<>();
                        while (System.nanoTime() < end) {
                            setups.add(host.client().setupTrue());
                        }
                        return setups;
                    }));
                }
                runs.add(mine);
            }
            List<Tally> tallies = new ArrayList<>();
            for (int h = 0; h < hosts.size(); h++) {
                List<Long> all = new ArrayList<>();
                for (Future<List<Long>> run : runs.get(h)) {
                    all.addAll(run.get());
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                tallies.add(new Tally(hosts.get(h).id(), name, all.stream().mapToLong(Long::longValue).toArray(),
                    seconds));
            }
            for (Tally t : tallies) {
                progress.say(t.host() + " " + name + ": " + t.setupNanos().length + " sessions in "
                    + LoadRun.f1(t.seconds()) + " s (load " + ExecBenchmark.loadAverage() + ")");
            }
            return tallies;
        } finally {
            threads.shutdownNow();
        }
    }

    private static String table(List<Tally> tallies, int clients, int seconds) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"broker", "phase", "sessions", "sessions/s", "setup p50 ms", "setup p99 ms"});
        for (Tally t : tallies) {
            rows.add(new String[] {t.host(), t.phase(), String.valueOf(t.setupNanos().length),
                LoadRun.f1(t.setupNanos().length / t.seconds()), ms(Stats.percentile(t.setupNanos(), 50)),
                ms(Stats.percentile(t.setupNanos(), 99))});
        }
        return "fleet: " + clients + " clients per broker, `true` sessions back to back, " + seconds + " s a phase\n"
            + TextTable.render(rows, 2, 5);
    }

    private static String ms(long nanos) {
        return LoadRun.f1(nanos / 1e6);
    }
}
