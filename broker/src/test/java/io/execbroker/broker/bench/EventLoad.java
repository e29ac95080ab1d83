package io.execbroker.broker.bench;

import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.testing.DockerFixture;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Docker events at a steady rate: {@code POST /containers/servertest/kill?signal=SIGCONT}, one call per tick of a
 * fixed-rate timer, each making exactly one container event ({@code kill}, attribute {@code signal=18}). SIGCONT
 * does nothing to a running {@code sleep}, and the call leaves nothing behind in dockerd, unlike {@code exec_create},
 * whose execs would pile up until the container stops and skew dockerd's memory. The calls go through containerd,
 * about 30 ms each here, so up to {@value #MAX_IN_FLIGHT} run at once; a tick that finds them all busy is skipped
 * and counted, never queued, so the rate is what it says or the report says it was not. Thread safe.
 */
final class EventLoad implements AutoCloseable {
    static final String SIGNAL = "SIGCONT";
    /** Kill calls at once: room for Docker's latency under load, without queueing ticks. */
    static final int MAX_IN_FLIGHT = 4;

    private final DockerClient docker;
    private final ScheduledExecutorService pacer =
        Executors.newSingleThreadScheduledExecutor(daemon("bench-events-pacer"));
    private final ExecutorService callers = Executors.newFixedThreadPool(MAX_IN_FLIGHT, daemon("bench-events-load"));
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private ScheduledFuture<?> ticks;

    EventLoad(DockerClient docker) {
        this.docker = docker;
    }

    /**
     * Calls kill back to back, one at a time, for {@code duration}; returns the calls per second Docker answered:
     * the rate one client sustains here.
     */
    static double serialRate(DockerClient docker, Duration duration) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        long n = 0;
        while (System.nanoTime() < end) {
            kill(docker);
            n++;
        }
        return n / ((System.nanoTime() - start) / 1e9);
    }

    /** Starts {@code perSecond} calls a second; returns immediately. */
    synchronized void start(int perSecond) {
        BenchException.check(ticks == null, "the event load is running already");
        ticks = pacer.scheduleAtFixedRate(this::tick, 0, 1_000_000_000L / perSecond, TimeUnit.NANOSECONDS);
    }

    /** Stops the ticks; calls under way still finish. */
    synchronized void stop() {
        if (ticks != null) {
            ticks.cancel(false);
            ticks = null;
        }
    }

    /** Returns the ticks skipped since the start because {@value #MAX_IN_FLIGHT} calls were still under way. */
    long skipped() {
        return skipped.get();
    }

    /** Throws if any call failed, naming the first failure. */
    void checkNoFailure() {
        RuntimeException e = failure.get();
        if (e != null) {
            throw new BenchException(failed.get() + " of " + calls.get() + " kill calls failed, first: " + e, e);
        }
    }

    private void tick() {
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            skipped.incrementAndGet();
            return;
        }
        callers.execute(() -> {
            try {
                calls.incrementAndGet();
                kill(docker);
            } catch (RuntimeException e) {
                failed.incrementAndGet();
                failure.compareAndSet(null, e);
            } finally {
                inFlight.decrementAndGet();
            }
        });
    }

    private static void kill(DockerClient docker) {
        docker.killContainerCmd(DockerFixture.CONTAINER).withSignal(SIGNAL).exec();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        pacer.shutdownNow();
        callers.shutdown();
        BenchException.check(callers.awaitTermination(30, TimeUnit.SECONDS), "kill calls still running after 30 s");
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
