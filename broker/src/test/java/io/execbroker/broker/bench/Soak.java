package io.execbroker.broker.bench;

import io.execbroker.broker.testing.ContainerProcesses;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;

/**
 * {@code --soak MINUTES}: sessions of four kinds back to back on {@code workers} threads for a bounded time, a
 * minute at a time. Echo: random bytes (random length) through {@code cat}, checked byte-exact (length and CRC32)
 * with exit code 0. Exit code: {@code sh -c 'exit N'} for a random N, which must come back. Drop: a {@code cat}
 * whose client resets its socket mid-stream. Stall: an echo whose client stops reading for a while, so that its
 * output backs up into the broker, then reads on and checks every byte. After each minute the workers stop; the
 * broker must be back to 0 open sessions and the container hold none of the run's processes (orphans) within 30 s.
 */
final class Soak {
    private static final int MAX_PAYLOAD = 512 * 1024;
    private static final int STALL_PAYLOAD = 4 * 1024 * 1024;
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final LoadOptions options;
    private final LoadRig rig;
    private final Progress progress;
    private final AtomicLong sessions = new AtomicLong();
    private final AtomicLong echoes = new AtomicLong();
    private final AtomicLong exitCodes = new AtomicLong();
    private final AtomicLong drops = new AtomicLong();
    private final AtomicLong stalls = new AtomicLong();
    private final AtomicLong bytesChecked = new AtomicLong();
    private final AtomicLong bytesLost = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<String> failureSamples = java.util.Collections.synchronizedList(new ArrayList<>());
    private long orphans;
    private long leftOpen;

    private Soak(LoadOptions options, LoadRig rig, Progress progress) {
        this.options = options;
        this.rig = rig;
        this.progress = progress;
    }

    static String run(LoadOptions options, LoadRig rig, Progress progress) throws Exception {
        return new Soak(options, rig, progress).run();
    }

    private String run() throws Exception {
        BrokerFigures start = BrokerFigures.now(rig.broker, true);
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"minute", "sessions", "echo/exit/drop/stall", "bytes checked", "lost", "failed",
            "orphans", "open", "RSS", "threads", "fds", "load avg"});
        ExecutorService workers = Executors.newFixedThreadPool(options.soakWorkers());
        try {
            for (int minute = 1; minute <= options.soakMinutes(); minute++) {
                long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                List<Future<?>> running = new ArrayList<>();
                for (int w = 0; w < options.soakWorkers(); w++) {
                    running.add(workers.submit(() -> work(until)));
                }
                for (Future<?> f : running) {
                    f.get(10, TimeUnit.MINUTES);
                }
                int open = settle();
                BrokerFigures now = BrokerFigures.now(rig.broker, false);
                String[] row = {Integer.toString(minute), Long.toString(sessions.get()), echoes + "/" + exitCodes + "/"
                    + drops + "/" + stalls, Long.toString(bytesChecked.get()), Long.toString(bytesLost.get()),
                    Long.toString(failures.get()), Long.toString(orphans), Integer.toString(open),
                    BrokerFigures.mib(now.rss()), Integer.toString(now.threads()), Integer.toString(now.fds()), now.load()};
                rows.add(row);
                progress.say("soak " + String.join(" | ", row));
            }
        } finally {
            workers.shutdownNow();
        }
        BrokerFigures end = BrokerFigures.now(rig.broker, true);
        StringBuilder out = new StringBuilder(TextTable.render(rows, 1, 10));
        out.append("broker at start: ").append(start.describe()).append('\n')
            .append("broker at end:   ").append(end.describe()).append('\n')
            .append("sessions run ").append(sessions).append(", bytes checked byte-exact ").append(bytesChecked)
            .append(", lost ").append(bytesLost).append(", failed sessions ").append(failures)
            .append(", orphans ").append(orphans).append('\n');
        failureSamples.stream().limit(10).forEach(f -> out.append("  failure: ").append(f).append('\n'));
        BenchException.check(bytesLost.get() == 0 && failures.get() == 0 && orphans == 0 && leftOpen == 0,
            "the soak found lost bytes, failed sessions, orphans or sessions left open:\n" + out);
        return out.toString();
    }

    /** Sessions back to back until {@code until}: echo 40 %, exit code 20 %, drop 20 %, stall 20 %. */
    private Void work(long until) {
        Random random = ThreadLocalRandom.current();
        while (System.nanoTime() < until) {
            int kind = random.nextInt(10);
            sessions.incrementAndGet();
            try {
                if (kind < 4) {
                    echo(1 + random.nextInt(MAX_PAYLOAD), 0);
                    echoes.incrementAndGet();
                } else if (kind < 6) {
                    exitCode(random.nextInt(256));
                    exitCodes.incrementAndGet();
                } else if (kind < 8) {
                    drop(random);
                    drops.incrementAndGet();
                } else {
                    echo(STALL_PAYLOAD, 500 + random.nextInt(2500));
                    stalls.incrementAndGet();
                }
            } catch (Exception | AssertionError e) {
                failures.incrementAndGet();
                if (failureSamples.size() < 50) {
                    failureSamples.add(e.toString());
                }
            }
        }
        return null;
    }

    /** Random bytes through {@code cat}, the reader stalled for {@code stallMillis} first (0: not). */
    private void echo(int size, long stallMillis) throws Exception {
        byte[] bytes = new byte[size];
        ThreadLocalRandom.current().nextBytes(bytes);
        CRC32 sent = new CRC32();
        sent.update(bytes);
        ChunkCounter counter = new ChunkCounter(size, true);
        RawWsExec exec = (RawWsExec) rig.client.start(rig.cat(), false, counter::add);
        exec.awaitStarted();
        if (stallMillis > 0) {
            exec.stall(stallMillis);
        }
        exec.writeAllThenEnd(bytes);
        int code = exec.awaitExit();
        // the exit code completes on the event loop after the last output: the counter's fields are visible here
        if (counter.total != size || counter.crc.getValue() != sent.getValue()) {
            bytesLost.addAndGet(Math.max(1, size - counter.total));
            throw new BenchException("echo of " + size + " bytes" + (stallMillis > 0 ? " (stalled)" : "") + ": got "
                + counter.total + " back, CRC32 " + (counter.crc.getValue() == sent.getValue() ? "equal" : "differs"));
        }
        BenchException.check(code == 0, "echo: cat exited with " + code + " " + exec.otherOutput());
        bytesChecked.addAndGet(size);
    }

    private void exitCode(int n) throws Exception {
        BenchExec exec = rig.client.start(List.of("sh", "-c", "exit " + n, rig.marker), false, chunk -> { });
        int code = exec.awaitExit();
        BenchException.check(code == n, "sh -c 'exit " + n + "': exit code " + code + " " + exec.otherOutput());
    }

    /** A {@code cat} fed a few bytes, its client gone (socket reset) within 200 ms, stdin still open. */
    private void drop(Random random) throws Exception {
        RawWsExec exec = (RawWsExec) rig.client.start(rig.cat(), false, chunk -> { });
        exec.awaitStarted();
        for (int i = random.nextInt(16); i >= 0; i--) {
            exec.write((byte) random.nextInt()); // stdin never ends: the client is gone first
        }
        Thread.sleep(random.nextInt(200));
        exec.drop();
    }

    /** Waits until the broker has no open session and the container none of the run's processes; returns open. */
    private int settle() throws Exception {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        int open = rig.broker.sessionsOpen();
        List<ContainerProcesses.Row> left = rig.survivors();
        while ((open > 0 || !left.isEmpty()) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            open = rig.broker.sessionsOpen();
            left = rig.survivors();
        }
        if (!left.isEmpty()) {
            orphans += left.size();
            progress.say("orphans after " + SETTLE.toSeconds() + " s: " + left);
            left.forEach(row -> ContainerProcesses.kill(rig.docker, row.pid()));
        }
        leftOpen += open;
        return open;
    }
}
