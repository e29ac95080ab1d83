package io.execbroker.broker.ops;

import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.audit.AuditRecord;

/**
 * The audit log with metrics taken from what it is told: upgrades ({@code accepted}) and the ends of sessions and
 * watches ({@code ended}), each once, from the same record the audit log gets. Refusals are counted where they are
 * made ({@code HandshakeChecks}), which knows their route. Thread safe if {@code next} is.
 */
public final class MeteredAuditLog implements AuditLog {
    private final AuditLog next;
    private final BrokerMetrics metrics;

    public MeteredAuditLog(AuditLog next, BrokerMetrics metrics) {
        this.next = next;
        this.metrics = metrics;
    }

    @Override
    public void record(AuditRecord record) {
        boolean watch = record.watch().isPresent();
        switch (record.outcome()) {
            case "accepted" -> metrics.handshake(watch ? "events" : "exec", 101);
            case "ended" -> {
                if (watch) {
                    metrics.watchEnded(record.status(), record.eventsSent());
                } else {
                    metrics.sessionEnded(record.status(), record.duration(), record.bytesIn(), record.bytesOut(),
                        record.exitCode().orElse(null));
                }
            }
            default -> {
            }
        }
        next.record(record);
    }
}
