package io.execbroker.broker.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.protocol.client.ExecClient;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One client that floods resizes must not slow the other sessions down: their Docker calls share the broker's
 * worker pool with every resize. Timing against a baseline measured in the same test, on the same machine.
 */
class ResizeFloodIT {
    private static final int RESIZES = 100_000;
    private static final int BASELINE_RUNS = 5;
    private static final int FLOOD_RUNS = 3;

    private BrokerHarness broker;

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    /** Returns the milliseconds from connecting to the exit of {@code true}: create, start, inspect. */
    private long setupMillis() {
        long start = System.nanoTime();
        ExecClient client = broker.exec("true");
        assertThat(client.exitCode().orTimeout(60, TimeUnit.SECONDS).join()).isZero();
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    private static int rows(int i) {
        return 10 + i % 200;
    }

    private static int cols(int i) {
        return 20 + i % 300;
    }

    @Test
    void aClientFloodingResizesDoesNotSlowOtherSessionsAndKeepsItsLastSize() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS);
        setupMillis(); // warm up: the first session pays for class loading and connections
        List<Long> baseline = new ArrayList<>();
        for (int i = 0; i < BASELINE_RUNS; i++) {
            baseline.add(setupMillis());
        }
        Collections.sort(baseline);
        long median = baseline.get(BASELINE_RUNS / 2);
        // Three times the usual, plus a second for a loaded machine (2 cores shared with other builds): a queue of
        // 100,000 resizes before the other session's calls would cost many seconds, far past it.
        long bound = 3 * median + 1000;

        ExecClient flooder = broker.connect(ExecClient.Options.defaults().tty(true)
            .command(List.of("sh", "-c", "stty -echo; while read line; do stty size; done")));
        flooder.started().orTimeout(30, TimeUnit.SECONDS).join();
        AtomicInteger sent = new AtomicInteger();
        CompletableFuture<Void> flood = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < RESIZES; i++) {
                flooder.resize(rows(i), cols(i));
                sent.incrementAndGet();
            }
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= RESIZES / 5 || flood.isDone());
        List<Long> during = new ArrayList<>();
        for (int i = 0; i < FLOOD_RUNS; i++) {
            during.add(setupMillis());
        }
        int sentWhileMeasured = sent.get();
        flood.get(120, TimeUnit.SECONDS);
        System.out.printf("resize flood: setup of `true` baseline %s ms (median %d), during the flood %s ms"
            + " (%d of %d resizes sent by the end of the last), bound %d ms%n",
            baseline, median, during, sentWhileMeasured, RESIZES, bound);
        assertThat(during).as("setup ms during the flood (baseline median %d ms)", median)
            .allSatisfy(ms -> assertThat(ms).isLessThanOrEqualTo(bound));

        // The flooding session still works, and its terminal has the last size sent.
        String last = rows(RESIZES - 1) + " " + cols(RESIZES - 1);
        BufferedReader lines = new BufferedReader(new InputStreamReader(flooder.stdout(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            flooder.stdin().write('\n');
            seen.add(lines.readLine());
            return seen.get(seen.size() - 1).equals(last);
        });
        flooder.stdin().close();
        assertThat(flooder.exitCode().orTimeout(30, TimeUnit.SECONDS).join()).isZero();
    }
}
