package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Shared scans, with a scanner the test holds until it lets it answer; the scan number is the answer's pid. */
class ContainerScansTest {
    private final Vertx vertx = Vertx.vertx();
    private final WorkerExecutor workers = vertx.createSharedWorkerExecutor("scans-test", 4);
    private final AtomicInteger scans = new AtomicInteger();
    private final ConcurrentHashMap<Integer, CountDownLatch> release = new ConcurrentHashMap<>();
    private final CountDownLatch[] started = {new CountDownLatch(1), new CountDownLatch(2), new CountDownLatch(3)};
    private final ContainerScans shared = new ContainerScans(vertx, workers, container -> {
        int n = scans.incrementAndGet();
        for (CountDownLatch s : started) {
            s.countDown();
        }
        try {
            latch(n).await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.of(new ProcStat(n, container, 'S', 1, n, n, n));
    });

    @AfterEach
    void close() throws Exception {
        release.values().forEach(CountDownLatch::countDown);
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private CountDownLatch latch(int scan) {
        return release.computeIfAbsent(scan, n -> new CountDownLatch(1));
    }

    private static long scanOf(Future<List<ProcStat>> answer) throws Exception {
        return answer.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).get(0).pid();
    }

    @Test
    void callersWhileAScanRunsShareTheNextScanWhichStartsAfterThemAll() throws Exception {
        Future<List<ProcStat>> first = shared.container("web");
        assertThat(started[0].await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<List<ProcStat>>> during = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            during.add(shared.container("web"));
        }
        latch(1).countDown();
        assertThat(scanOf(first)).isEqualTo(1);
        assertThat(started[1].await(10, TimeUnit.SECONDS)).isTrue();
        latch(2).countDown();
        for (Future<List<ProcStat>> answer : during) {
            assertThat(scanOf(answer)).as("a scan that started after the call").isEqualTo(2);
        }
        assertThat(scans.get()).as("scans for 101 callers").isEqualTo(2);

        Future<List<ProcStat>> after = shared.container("web");
        latch(3).countDown();
        assertThat(scanOf(after)).as("a call once none runs starts its own").isEqualTo(3);
    }

    @Test
    void eachContainerHasItsOwnScans() throws Exception {
        Future<List<ProcStat>> web = shared.container("web");
        Future<List<ProcStat>> db = shared.container("db");
        assertThat(started[1].await(10, TimeUnit.SECONDS)).as("both scans run at once").isTrue();
        latch(1).countDown();
        latch(2).countDown();
        assertThat(web.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).get(0).comm()).isEqualTo("web");
        assertThat(db.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).get(0).comm()).isEqualTo("db");
    }

    @Test
    void aFailedScanFailsItsCallersAndTheNextCallScansAgain() throws Exception {
        ContainerScans failing = new ContainerScans(vertx, workers, container -> {
            if (scans.incrementAndGet() == 1) {
                throw new IllegalStateException("cannot list /proc");
            }
            return List.of();
        });
        Future<List<ProcStat>> failed = failing.container("web");
        assertThat(failed.toCompletionStage().toCompletableFuture().handle((ok, e) -> e).get(10, TimeUnit.SECONDS))
            .hasMessageContaining("cannot list /proc");
        assertThat(failing.container("web").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS))
            .isEmpty();
        assertThat(scans.get()).isEqualTo(2);
    }
}
