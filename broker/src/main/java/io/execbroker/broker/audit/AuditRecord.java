package io.execbroker.broker.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One line of the audit log: a refused handshake ({@code denied}), a session that started ({@code accepted}), or
 * one that ended ({@code ended}, with exit code, bytes and duration, and for a session the broker ended before its
 * process did, whether its processes are confirmed gone); for a watch of Docker events its scope ({@code events})
 * and, once ended, the events sent. Tokens are never part of it: a record is
 * built from a grant and the handshake's address, origin and user agent only. Immutable.
 *
 * @param time when it happened
 * @param outcome {@code denied}, {@code accepted} or {@code ended}
 * @param sessionId ties {@code accepted} to {@code ended}; empty for {@code denied}
 * @param status the HTTP status of a refusal, or the close code of an end
 * @param reason why it was refused or how it ended, like {@code idle timeout}
 * @param rule the policy rule that refused, if one did
 * @param remoteAddress the client's address
 * @param origin the browser origin, if any
 * @param grant what was granted, if anything was
 * @param exitCode the process's exit code, if known
 * @param bytesIn stdin bytes from the client
 * @param bytesOut output bytes to the client
 * @param duration how long the session lasted
 * @param teardown for a session the broker ended before its process did, or whose process left others running:
 *     whether its processes are confirmed gone
 * @param watch what a watch of Docker events was granted, for a watch's records
 * @param eventsSent events sent to a watcher
 */
public record AuditRecord(Instant time, String outcome, String sessionId, int status, String reason,
                          Optional<String> rule, String remoteAddress, Optional<String> origin,
                          Optional<ExecGrant> grant, Optional<Integer> exitCode, long bytesIn, long bytesOut,
                          Duration duration, Optional<Teardown> teardown, Optional<WatchGrant> watch,
                          long eventsSent) {
    private static final JsonFactory JSON = new JsonFactory();

    /** A record of an exec session, or of a refusal. */
    public AuditRecord(Instant time, String outcome, String sessionId, int status, String reason,
                       Optional<String> rule, String remoteAddress, Optional<String> origin,
                       Optional<ExecGrant> grant, Optional<Integer> exitCode, long bytesIn, long bytesOut,
                       Duration duration, Optional<Teardown> teardown) {
        this(time, outcome, sessionId, status, reason, rule, remoteAddress, origin, grant, exitCode, bytesIn,
            bytesOut, duration, teardown, Optional.empty(), 0);
    }

    /** A watch of Docker events that was upgraded; its {@code ended} record comes from {@link #watchEnded}. */
    public static AuditRecord watchAccepted(Instant time, String watchId, String remoteAddress, Optional<String> origin,
                                            WatchGrant watch) {
        return new AuditRecord(time, "accepted", watchId, 101, "watching events", Optional.empty(), remoteAddress,
            origin, Optional.empty(), Optional.empty(), 0, 0, Duration.ZERO, Optional.empty(), Optional.of(watch), 0);
    }

    public AuditRecord watchEnded(Instant at, int closeCode, String how, long events) {
        return new AuditRecord(at, "ended", sessionId, closeCode, how, Optional.empty(), remoteAddress, origin,
            Optional.empty(), Optional.empty(), 0, 0, Duration.between(time, at), Optional.empty(), watch, events);
    }

    /**
     * The processes an earlier broker left running, which this one found at its start and killed ({@code status}
     * is how many; {@code reason} names them).
     */
    public static AuditRecord orphansKilled(Instant time, int count, String detail) {
        return new AuditRecord(time, "orphans killed", "", count, detail, Optional.empty(), "", Optional.empty(),
            Optional.empty(), Optional.empty(), 0, 0, Duration.ZERO, Optional.empty());
    }

    public static AuditRecord denied(Instant time, String remoteAddress, Optional<String> origin, int status,
                                     String reason, Optional<String> rule, Optional<ExecGrant> grant) {
        return new AuditRecord(time, "denied", "", status, reason, rule, remoteAddress, origin, grant,
            Optional.empty(), 0, 0, Duration.ZERO, Optional.empty());
    }

    public static AuditRecord accepted(Instant time, String sessionId, String remoteAddress, Optional<String> origin,
                                       ExecGrant grant) {
        return new AuditRecord(time, "accepted", sessionId, 101, "upgraded", Optional.empty(), remoteAddress, origin,
            Optional.of(grant), Optional.empty(), 0, 0, Duration.ZERO, Optional.empty());
    }

    public AuditRecord ended(Instant at, int closeCode, String how, Optional<Integer> code, long in, long out) {
        return new AuditRecord(at, "ended", sessionId, closeCode, how, Optional.empty(), remoteAddress, origin, grant,
            code, in, out, Duration.between(time, at), Optional.empty());
    }

    /** Returns this record with the outcome of the session's teardown, like {@code "teardown":"unconfirmed"}. */
    public AuditRecord withTeardown(Teardown outcome) {
        return new AuditRecord(time, this.outcome, sessionId, status, reason, rule, remoteAddress, origin, grant,
            exitCode, bytesIn, bytesOut, duration, Optional.of(outcome), watch, eventsSent);
    }

    /** Returns the record as one line of JSON, without the newline. */
    public String toJson() {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", time.toString());
            g.writeStringField("outcome", outcome);
            if (!sessionId.isEmpty()) {
                g.writeStringField("session", sessionId);
            }
            g.writeNumberField(outcome.equals("ended") ? "closeCode" : "status", status);
            g.writeStringField("reason", reason);
            if (rule.isPresent()) {
                g.writeStringField("rule", rule.get());
            }
            g.writeStringField("remoteAddress", remoteAddress);
            if (origin.isPresent()) {
                g.writeStringField("origin", origin.get());
            }
            if (grant.isPresent()) {
                writeGrant(g, grant.get());
            }
            if (exitCode.isPresent()) {
                g.writeNumberField("exitCode", exitCode.get());
            }
            if (watch.isPresent()) {
                writeWatch(g, watch.get(), outcome.equals("ended") ? eventsSent : -1);
            }
            if (outcome.equals("ended") && watch.isPresent()) {
                g.writeNumberField("durationMs", duration.toMillis());
            } else if (outcome.equals("ended")) {
                g.writeNumberField("bytesIn", bytesIn);
                g.writeNumberField("bytesOut", bytesOut);
                g.writeNumberField("durationMs", duration.toMillis());
            }
            if (teardown.isPresent()) {
                g.writeStringField("teardown", teardown.get().confirmed() ? "confirmed" : "unconfirmed");
                if (teardown.get().reason().isPresent()) {
                    g.writeStringField("teardownReason", teardown.get().reason().get());
                }
                if (teardown.get().leftovers() > 0) {
                    g.writeNumberField("leftoversKilled", teardown.get().leftovers());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeWatch(JsonGenerator g, WatchGrant watch, long events) throws IOException {
        if (watch.subject().isPresent()) {
            g.writeStringField("subject", watch.subject().get());
        }
        g.writeObjectFieldStart("events");
        writeStrings(g, "containers", watch.scope().containers());
        writeStrings(g, "labels", watch.scope().labels());
        writeStrings(g, "types", List.copyOf(watch.scope().types()));
        if (watch.scope().commands()) {
            g.writeBooleanField("commands", true);
        }
        g.writeEndObject();
        if (events >= 0) {
            g.writeNumberField("eventsSent", events);
        }
    }

    private static void writeStrings(JsonGenerator g, String name, List<String> values) throws IOException {
        g.writeArrayFieldStart(name);
        for (String value : values) {
            g.writeString(value);
        }
        g.writeEndArray();
    }

    private static void writeGrant(JsonGenerator g, ExecGrant grant) throws IOException {
        if (grant.subject().isPresent()) {
            g.writeStringField("subject", grant.subject().get());
        }
        g.writeStringField("container", grant.container());
        g.writeArrayFieldStart("argv");
        for (String arg : grant.command()) {
            g.writeString(arg);
        }
        g.writeEndArray();
        g.writeBooleanField("tty", grant.tty());
        if (grant.user().isPresent()) {
            g.writeStringField("user", grant.user().get());
        }
    }
}
