package io.execbroker.broker.bench;

import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.protocol.client.ExecClient;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Thread counts with many idle sessions open: {@code n} concurrent {@code sleep 30} sessions through the broker,
 * twice. The first round lets the broker's bounded pools (event loops, the docker-control workers) grow to what
 * such a load needs; the second shows whether anything still grows per session. Every session is closed, and its
 * process gone, before a round returns.
 */
final class IdleSessions {
    /** Live thread counts: the broker's own threads, and the whole JVM (the bench client's threads included). */
    record Counts(int broker, int jvm) {
        static Counts now() {
            return new Counts(ThreadCpu.sample(BrokerSubject.THREAD_PREFIX).threads(), ThreadCpu.liveThreads());
        }
    }

    /** Counts before anything, during round 1, between the rounds, during round 2, after. */
    record Result(int sessions, Counts cold, Counts duringFirst, Counts idle, Counts duringSecond, Counts after) {
        /** No thread per session: round 2 adds (almost) no broker threads to the idle count. */
        boolean flat() {
            return duringSecond.broker() - idle.broker() <= 2;
        }
    }

    private IdleSessions() {
    }

    static Result run(BrokerSubject broker, DockerClient docker, int sessions) throws Exception {
        Counts cold = Counts.now();
        Counts first = round(broker, docker, sessions);
        Counts idle = Counts.now();
        Counts second = round(broker, docker, sessions);
        return new Result(sessions, cold, first, idle, second, Counts.now());
    }

    private static Counts round(BrokerSubject broker, DockerClient docker, int sessions) throws Exception {
        // "sleep 30.NNNNNN" sleeps 30 s and names this round's processes, apart from other users of servertest.
        String seconds = "30." + String.format("%06d", ThreadLocalRandom.current().nextInt(1_000_000));
        List<CompletableFuture<ExecClient>> connecting = new ArrayList<>();
        try {
            for (int i = 0; i < sessions; i++) {
                connecting.add(broker.connectAsync(false, List.of("sleep", seconds)));
            }
            for (CompletableFuture<ExecClient> c : connecting) {
                c.get(60, TimeUnit.SECONDS).started().get(60, TimeUnit.SECONDS);
            }
            int active = broker.broker().sessions().active();
            BenchException.check(active == sessions, "expected " + sessions + " open sessions, the broker has " + active);
            return Counts.now();
        } finally {
            for (CompletableFuture<ExecClient> c : connecting) {
                c.thenAccept(ExecClient::close);
            }
            for (CompletableFuture<ExecClient> c : connecting) {
                try {
                    c.get(60, TimeUnit.SECONDS).closed().get(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    // failed to connect or to close: the broker's own teardown still ends it
                }
            }
            awaitGone(broker, docker, "sleep " + seconds);
        }
    }

    /** Waits until the broker has no session left and the container no process named {@code marker}. */
    private static void awaitGone(BrokerSubject broker, DockerClient docker, String marker) {
        org.awaitility.Awaitility.await("sessions and '" + marker + "' processes gone after their sessions closed")
            .atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(200))
            .until(() -> broker.broker().sessions().active() == 0 && !ContainerProcesses.running(docker, marker));
    }
}
