package io.execbroker.broker.events;

import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.audit.AuditRecord;
import io.execbroker.broker.config.EventSettings;
import io.execbroker.broker.policy.SubjectQuota;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.http.ServerWebSocket;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Starts the watch of one upgraded WebSocket on the hub, counts the watches of each subject against
 * {@link EventSettings#maxWatchersPerSubject}, and audits how a watch ends. Thread safe: the watcher itself lives
 * on the hub's context.
 */
public final class Watches {
    private final EventHub hub;
    private final EventSettings settings;
    private final SubjectQuota perSubject = new SubjectQuota();
    private final AuditLog audit;
    private final Clock clock;

    public Watches(EventHub hub, EventSettings settings, AuditLog audit, Clock clock) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public EventHub hub() {
        return hub;
    }

    /**
     * Counts one more watch for {@code subject}; false when it holds as many as it may. Each true is given back by
     * the end of the watch {@link #start}ed for it, or by {@link #releaseSubject} if none is.
     */
    public boolean tryClaimSubject(String subject) {
        return perSubject.tryClaim(subject, settings.maxWatchersPerSubject());
    }

    /** Gives back a subject's watch claimed with {@link #tryClaimSubject} for which no watch started. */
    public void releaseSubject(String subject) {
        perSubject.release(subject);
    }

    /**
     * Starts watching; the place taken with {@link EventHub#tryReserve}, and the subject's, claimed with
     * {@link #tryClaimSubject}, are given back when the watch ends.
     *
     * @param accepted the audit record of the upgrade, already written; its {@code ended} follows
     */
    public void start(ServerWebSocket socket, WatchScope scope, WatchQuery query, AuditRecord accepted) {
        hub.execute(() -> new Watcher(socket, scope, query, settings.queueBytes(), hub, clock, ending -> {
            hub.release();
            accepted.watch().flatMap(WatchGrant::subject).ifPresent(perSubject::release);
            audit.record(accepted.watchEnded(Instant.now(clock), ending.closeCode(), ending.reason(),
                ending.eventsSent()));
        }).start());
    }
}
