package io.execbroker.broker.audit;

/** Where audit records go. Implementations return immediately, never block the event loop and never throw. */
@FunctionalInterface
public interface AuditLog {
    /** Drops every record: for tests and embedders that audit elsewhere. */
    AuditLog NONE = record -> { };

    void record(AuditRecord record);
}
