package io.execbroker.broker.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Many open {@code cat} sessions of one subject (broker or direct) at once, for the load bench: opened
 * {@value #OPENING_AT_ONCE} at a time, then 1-byte round trips through each in turn ({@link #roundsInTurn}: one
 * byte through session 1, back, then session 2, ...), which measures what one interactive user sees while the
 * others hold their sessions open. Its sessions all run {@code argv}, so that their processes can be told apart
 * in the container.
 */
final class EchoFleet {
    /** Handshakes (or direct exec creates) in flight at once while opening. */
    static final int OPENING_AT_ONCE = 16;

    private final String name;
    private final List<ExecSubject.EchoSession> sessions;
    private final int failedToOpen;
    private final AtomicInteger unanswered = new AtomicInteger();

    private EchoFleet(String name, List<ExecSubject.EchoSession> sessions, int failedToOpen) {
        this.name = name;
        this.sessions = sessions;
        this.failedToOpen = failedToOpen;
    }

    /** Opens {@code n} sessions of {@code argv}; those that fail to open are counted, not thrown. */
    static EchoFleet open(ExecSubject subject, List<String> argv, int n, Progress progress) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(OPENING_AT_ONCE);
        try {
            List<Future<ExecSubject.EchoSession>> opening = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                opening.add(pool.submit(() -> subject.openEcho(argv)));
            }
            List<ExecSubject.EchoSession> open = new ArrayList<>();
            String firstFailure = null;
            for (Future<ExecSubject.EchoSession> f : opening) {
                try {
                    open.add(f.get(BenchExec.TIMEOUT_SECONDS, TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    firstFailure = firstFailure == null ? String.valueOf(e.getCause()) : firstFailure;
                }
            }
            if (firstFailure != null) {
                progress.say(subject.name() + ": " + (n - open.size()) + " of " + n + " sessions failed to open,"
                    + " the first: " + firstFailure);
            }
            return new EchoFleet(subject.name(), Collections.unmodifiableList(open), n - open.size());
        } finally {
            pool.shutdownNow();
        }
    }

    int open() {
        return sessions.size();
    }

    int failedToOpen() {
        return failedToOpen;
    }

    List<ExecSubject.EchoSession> sessions() {
        return sessions;
    }

    /** Sessions whose round trip failed (no answer in 30 s, or a wrong byte) in any round so far. */
    int unanswered() {
        return unanswered.get();
    }

    /**
     * {@code rounds} rounds, each one 1-byte round trip through every session in turn; returns the round trip times
     * in nanoseconds. A session that fails counts in {@link #unanswered} and is left out of later rounds.
     */
    long[] roundsInTurn(int rounds) {
        List<Long> rtts = new ArrayList<>();
        List<ExecSubject.EchoSession> answering = new ArrayList<>(sessions);
        byte b = 0;
        for (int r = 0; r < rounds; r++) {
            for (var it = answering.iterator(); it.hasNext(); ) {
                ExecSubject.EchoSession session = it.next();
                try {
                    rtts.add(session.roundTrip(b++));
                } catch (Exception e) {
                    unanswered.incrementAndGet();
                    it.remove();
                }
            }
        }
        return rtts.stream().mapToLong(Long::longValue).toArray();
    }

    /** Round trips through the sessions in turn until {@code until} returns true; at least one round. */
    long[] inTurnWhile(java.util.function.BooleanSupplier running) {
        List<long[]> parts = new ArrayList<>();
        do {
            parts.add(roundsInTurn(1));
        } while (running.getAsBoolean());
        return parts.stream().flatMapToLong(java.util.Arrays::stream).toArray();
    }

    /** Drops every broker session at once: each socket reset, no close frame ({@link RawWsExec#drop}). */
    void dropAll() {
        sessions.forEach(s -> ((RawWsExec) s.exec()).drop());
    }

    /** Ends every session's stdin and waits for its exit code 0; returns how many did not end so. */
    int closeAll() {
        int failed = 0;
        for (ExecSubject.EchoSession s : sessions) {
            s.exec().endStdin();
        }
        for (ExecSubject.EchoSession s : sessions) {
            try {
                failed += s.exec().awaitExit() == 0 ? 0 : 1;
            } catch (Exception e) {
                failed++;
            }
        }
        return failed;
    }

    String name() {
        return name;
    }
}
