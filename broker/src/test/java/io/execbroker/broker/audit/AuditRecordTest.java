package io.execbroker.broker.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.protocol.grant.ExecGrant;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class AuditRecordTest {
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
    private static final ExecGrant GRANT = ExecGrant.builder("web-1", List.of("sh", "-c", "echo \"hi\""))
        .tty(true).user("1000").subject("alice").env(Map.of("SECRET", "s3cr3t")).build();

    @Test
    void deniedRecordSaysWhoWhereAndWhy() {
        String json = AuditRecord.denied(T0, "10.1.2.3", Optional.of("https://evil.example"), 403, "origin not allowed",
            Optional.empty(), Optional.empty()).toJson();
        assertThat(json).isEqualTo("{\"time\":\"2026-11-22T10:00:00Z\",\"outcome\":\"denied\",\"status\":403,"
            + "\"reason\":\"origin not allowed\",\"remoteAddress\":\"10.1.2.3\",\"origin\":\"https://evil.example\"}");
    }

    @Test
    void endedRecordCarriesTheGrantExitCodeBytesAndDuration() {
        AuditRecord accepted = AuditRecord.accepted(T0, "s-1", "127.0.0.1", Optional.empty(), GRANT);
        String json = accepted.ended(T0.plus(Duration.ofMillis(1500)), 1000, "process exited", Optional.of(3), 5, 7)
            .toJson();
        assertThat(json).isEqualTo("{\"time\":\"2026-11-22T10:00:01.500Z\",\"outcome\":\"ended\",\"session\":\"s-1\","
            + "\"closeCode\":1000,\"reason\":\"process exited\",\"remoteAddress\":\"127.0.0.1\",\"subject\":\"alice\","
            + "\"container\":\"web-1\",\"argv\":[\"sh\",\"-c\",\"echo \\\"hi\\\"\"],\"tty\":true,\"user\":\"1000\","
            + "\"exitCode\":3,\"bytesIn\":5,\"bytesOut\":7,\"durationMs\":1500}");
    }

    @Test
    void endedRecordSaysWhetherTheTeardownWasConfirmed() {
        AuditRecord ended = AuditRecord.accepted(T0, "s-1", "127.0.0.1", Optional.empty(), GRANT)
            .ended(T0.plusSeconds(31), 1000, "client closed", Optional.empty(), 0, 0);

        assertThat(ended.toJson()).doesNotContain("teardown");
        assertThat(ended.withTeardown(Teardown.CONFIRMED).toJson())
            .endsWith("\"durationMs\":31000,\"teardown\":\"confirmed\"}");
        assertThat(ended.withTeardown(Teardown.unconfirmed("pid 42 is no process in this broker's /proc")).toJson())
            .endsWith("\"durationMs\":31000,\"teardown\":\"unconfirmed\","
                + "\"teardownReason\":\"pid 42 is no process in this broker's /proc\"}");
        assertThat(ended.withTeardown(Teardown.leftoversKilled(2)).toJson())
            .endsWith("\"durationMs\":31000,\"teardown\":\"confirmed\",\"leftoversKilled\":2}");
    }

    @Test
    void environmentValuesNeverReachTheLog() {
        assertThat(AuditRecord.accepted(T0, "s-1", "127.0.0.1", Optional.empty(), GRANT).toJson()).doesNotContain("s3cr3t");
    }
}
