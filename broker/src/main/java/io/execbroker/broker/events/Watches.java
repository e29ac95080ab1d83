package io.execbroker.broker.events;

import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.audit.AuditRecord;
import io.vertx.core.http.ServerWebSocket;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * Starts the watch of one upgraded WebSocket on the hub, and audits how it ends. Thread safe: the watcher itself
 * lives on the hub's context.
 */
public final class Watches {
    private final EventHub hub;
    private final int queueBytes;
    private final AuditLog audit;
    private final Clock clock;

    public Watches(EventHub hub, int queueBytes, AuditLog audit, Clock clock) {
        this.hub = Objects.requireNonNull(hub, "hub");
        this.queueBytes = queueBytes;
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public EventHub hub() {
        return hub;
    }

    /**
     * Starts watching; the place taken with {@link EventHub#tryReserve} is given back when the watch ends.
     *
     * @param accepted the audit record of the upgrade, already written; its {@code ended} follows
     */
    public void start(ServerWebSocket socket, WatchScope scope, WatchQuery query, AuditRecord accepted) {
        hub.execute(() -> new Watcher(socket, scope, query, queueBytes, hub, clock, ending -> {
            hub.release();
            audit.record(accepted.watchEnded(Instant.now(clock), ending.closeCode(), ending.reason(),
                ending.eventsSent()));
        }).start());
    }
}
