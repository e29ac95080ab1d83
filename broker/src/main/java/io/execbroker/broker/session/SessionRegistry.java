package io.execbroker.broker.session;

import io.execbroker.broker.policy.SubjectQuota;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sessions of one broker, and the cap on how many may run at once. A slot is reserved before the (async)
 * authorization, so concurrent handshakes cannot overshoot the cap. Thread safe, so that several event loops can
 * share it.
 */
public final class SessionRegistry {
    private final int maxSessions;
    private final Set<ExecSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicInteger reserved = new AtomicInteger();
    private final SubjectQuota perSubject = new SubjectQuota();
    private volatile boolean closing;

    public SessionRegistry(int maxSessions) {
        this.maxSessions = maxSessions;
    }

    /** Reserves a slot; returns false when the cap is reached or the broker is stopping. Each true must be followed by one {@link #release}. */
    public boolean tryReserve() {
        if (closing) {
            return false;
        }
        return reserved.getAndUpdate(n -> n < maxSessions ? n + 1 : n) < maxSessions;
    }

    /** Gives back a slot, when a reserved handshake is refused or its session ends. */
    public void release() {
        reserved.getAndUpdate(n -> n > 0 ? n - 1 : 0);
    }

    /**
     * Counts one more session for {@code subject}; returns false (and counts nothing) when it already holds
     * {@code max}. Each true must be followed by one {@link #releaseSubject}.
     */
    public boolean tryClaimSubject(String subject, int max) {
        return perSubject.tryClaim(subject, max);
    }

    public void releaseSubject(String subject) {
        perSubject.release(subject);
    }

    /** Adds a session; once the broker is stopping, gives back its slot instead and returns false. */
    synchronized boolean add(ExecSession session) {
        if (closing) {
            release();
            session.subject().ifPresent(this::releaseSubject);
            return false;
        }
        sessions.add(session);
        return true;
    }

    /** Returns true once {@link #shutdownAll} was called: no new session may start. */
    public boolean closing() {
        return closing;
    }

    void remove(ExecSession session) {
        if (sessions.remove(session)) {
            release();
            session.subject().ifPresent(this::releaseSubject);
        }
    }

    /** Returns the number of sessions open (upgraded and not yet ended). */
    public int open() {
        return sessions.size();
    }

    /** Returns the number of slots in use: sessions, and handshakes still being authorized. */
    public int active() {
        return reserved.get();
    }

    /** Sends {@code shutdown} to every session and kills their processes; completes when all are gone. */
    public Future<Void> shutdownAll() {
        List<ExecSession> running;
        synchronized (this) {
            closing = true;
            running = List.copyOf(sessions);
        }
        List<Future<Void>> ends = new ArrayList<>();
        for (ExecSession session : running) {
            ends.add(session.shutdown());
        }
        return Future.join(ends).mapEmpty();
    }
}
