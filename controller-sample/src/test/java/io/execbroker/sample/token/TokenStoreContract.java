package io.execbroker.sample.token;

import static io.execbroker.sample.SampleFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.sample.MutableClock;
import io.execbroker.sample.SampleFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.WorkerExecutor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the token store promises on any database. A subclass per database hands each test an empty database of its
 * own: {@link H2TokenStoreTest} (an H2 file in a temp dir) and {@link PostgresTokenStoreIT} (a schema per test).
 */
abstract class TokenStoreContract {
    private static final Duration TTL = Duration.ofSeconds(30);
    /** Redemptions of one token at once; the worker pool is as large, so they all run together. */
    private static final int CONCURRENT_REDEMPTIONS = 50;
    private static final ExecGrant ALICE_SHELL = ExecGrant.builder("servertest", List.of("/bin/sh")).tty(true)
        .subject("alice").build();

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(200)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    private final MutableClock clock = new MutableClock(SampleFixture.START);
    private WorkerExecutor worker;
    private DataSource dataSource;
    private JdbcTokenStore store;
    private StoredTokenIssuer issuer;

    /** Returns the JDBC URL of an empty database that only this test uses. */
    abstract String emptyDatabaseUrl() throws Exception;

    @BeforeEach
    void openStore() throws Exception {
        worker = vertx.createSharedWorkerExecutor("test-jdbc", CONCURRENT_REDEMPTIONS);
        dataSource = Databases.open(emptyDatabaseUrl());
        store = new JdbcTokenStore(dataSource, worker);
        await(store.createSchema());
        issuer = new StoredTokenIssuer(store, clock, TTL, new SecureRandom());
    }

    @AfterEach
    void closeStore() {
        Databases.close(dataSource);
        await(vertx.close());
    }

    @Test
    void addsTheBrokerColumnToATableMadeBeforeFleetsAndReadsItsRowsAsBoundToNoBroker() throws Exception {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE exec_tokens");
            s.execute("CREATE TABLE exec_tokens (token_hash VARCHAR(64) PRIMARY KEY, subject VARCHAR(256) NOT NULL, "
                + "grant_json VARCHAR(65536) NOT NULL, expires_at BIGINT NOT NULL)");
            s.execute("INSERT INTO exec_tokens VALUES ('old', 'alice', '{}', 1)");
        }

        await(store.createSchema());
        await(store.createSchema());

        assertThat(await(store.consume("old"))).contains(new StoredToken("alice", "{}", Instant.ofEpochMilli(1),
            Optional.empty()));
        assertThat(await(store.consume(issue()))).hasValueSatisfying(token ->
            assertThat(token.brokerId()).contains("host-a"));
    }

    @Test
    void redeemsAnIssuedTokenOnceWithItsGrantAndExpiry() {
        String hash = issue();

        Optional<StoredToken> first = await(store.consume(hash));
        Optional<StoredToken> second = await(store.consume(hash));

        assertThat(first).contains(new StoredToken("alice", GrantJson.toJson(ALICE_SHELL), SampleFixture.START.plus(TTL),
            Optional.of("host-a")));
        assertThat(second).isEmpty();
        assertThat(rows()).isZero();
    }

    @Test
    void redeemsNothingForAnUnknownToken() {
        issue();

        assertThat(await(store.consume(OneTimeTokens.hash("no-such-token")))).isEmpty();
        assertThat(rows()).isEqualTo(1);
    }

    @Test
    void purgesATokenOnceItExpiresAndNotBefore() {
        String hash = issue();
        clock.advance(TTL.minusMillis(1));

        assertThat(await(store.deleteExpired(clock.instant()))).isZero();
        clock.advance(Duration.ofMillis(1));
        assertThat(await(store.deleteExpired(clock.instant()))).isEqualTo(1);

        assertThat(await(store.consume(hash))).isEmpty();
        assertThat(rows()).isZero();
    }

    @Test
    void purgesOnlyTheExpiredTokens() {
        String older = issue();
        clock.advance(Duration.ofSeconds(20));
        String newer = issue();
        clock.advance(Duration.ofSeconds(10));

        assertThat(await(store.deleteExpired(clock.instant()))).isEqualTo(1);

        assertThat(await(store.consume(older))).isEmpty();
        assertThat(await(store.consume(newer))).hasValueSatisfying(t -> assertThat(t.subject()).isEqualTo("alice"));
    }

    @Test
    void redeemsATokenExactlyOnceUnderFiftyConcurrentRedemptions() {
        String hash = issue();

        List<Future<Optional<StoredToken>>> calls = new ArrayList<>();
        for (int i = 0; i < CONCURRENT_REDEMPTIONS; i++) {
            calls.add(store.consume(hash));
        }
        await(Future.join(calls));

        assertThat(calls).allSatisfy(call -> assertThat(call.succeeded()).as("%s", call.cause()).isTrue());
        assertThat(calls).filteredOn(call -> call.result().isPresent()).hasSize(1);
        assertThat(rows()).isZero();
    }

    /** Issues alice's shell token at the clock's time and returns the hash it is stored under. */
    private String issue() {
        return OneTimeTokens.hash(await(issuer.issue(ALICE_SHELL, "host-a")).token());
    }

    private int rows() {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM exec_tokens")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError("counting tokens failed", e);
        }
    }
}
