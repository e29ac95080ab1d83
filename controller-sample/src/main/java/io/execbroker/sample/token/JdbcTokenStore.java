package io.execbroker.sample.token;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;

import javax.sql.DataSource;

/**
 * One-time tokens in a SQL table, keyed by the token's SHA-256. Plain JDBC (H2 and PostgreSQL alike) run on a
 * named worker pool, so no call blocks an event loop. Thread safe.
 */
public final class JdbcTokenStore {
    /** Longest grant JSON stored; the users file's grants are far smaller. */
    public static final int MAX_GRANT_CHARS = 65_536;

    private static final String[] SCHEMA = {
        "CREATE TABLE IF NOT EXISTS exec_tokens (token_hash VARCHAR(64) PRIMARY KEY, subject VARCHAR(256) NOT NULL, "
            + "grant_json VARCHAR(" + MAX_GRANT_CHARS + ") NOT NULL, expires_at BIGINT NOT NULL)",
        "CREATE INDEX IF NOT EXISTS exec_tokens_expires_at ON exec_tokens (expires_at)",
        // The broker a token is bound to; a column of its own so that tables made before fleets get it too (H2 and
        // PostgreSQL both know IF NOT EXISTS here). NULL in rows stored before.
        "ALTER TABLE exec_tokens ADD COLUMN IF NOT EXISTS broker_id VARCHAR(253)",
    };

    private final DataSource dataSource;
    private final WorkerExecutor worker;

    public JdbcTokenStore(DataSource dataSource, WorkerExecutor worker) {
        this.dataSource = dataSource;
        this.worker = worker;
    }

    /** Creates the table if it is missing; safe to call at every start. */
    public Future<Void> createSchema() {
        return worker.executeBlocking(() -> {
            try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
                for (String sql : SCHEMA) {
                    s.execute(sql);
                }
            }
            return null;
        }, false);
    }

    /** Stores a token under {@code tokenHash}. */
    public Future<Void> insert(String tokenHash, StoredToken token) {
        if (token.grantJson().length() > MAX_GRANT_CHARS) {
            return Future.failedFuture(new IllegalArgumentException("grant JSON: " + token.grantJson().length()
                + " chars (expected: <= " + MAX_GRANT_CHARS + ")"));
        }
        return worker.executeBlocking(() -> {
            try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "INSERT INTO exec_tokens (token_hash, subject, grant_json, expires_at, broker_id) VALUES (?, ?, ?, ?, ?)")) {
                s.setString(1, tokenHash);
                s.setString(2, token.subject());
                s.setString(3, token.grantJson());
                s.setLong(4, token.expiresAt().toEpochMilli());
                s.setString(5, token.brokerId().orElse(null));
                s.executeUpdate();
            }
            return null;
        }, false);
    }

    /**
     * Removes the token and returns it, expired or not; empty if it is unknown or another call took it first.
     * Atomic: rows never change, so the call whose DELETE removes the row is the one winner, in H2 and
     * PostgreSQL alike (the losers' DELETE waits on the row lock, then counts 0).
     */
    public Future<Optional<StoredToken>> consume(String tokenHash) {
        return worker.executeBlocking(() -> {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                try {
                    Optional<StoredToken> token = consume(c, tokenHash);
                    c.commit();
                    return token;
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
            }
        }, false);
    }

    private static Optional<StoredToken> consume(Connection c, String tokenHash) throws SQLException {
        StoredToken token;
        try (PreparedStatement s = c.prepareStatement(
            "SELECT subject, grant_json, expires_at, broker_id FROM exec_tokens WHERE token_hash = ?")) {
            s.setString(1, tokenHash);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                token = new StoredToken(rs.getString(1), rs.getString(2), Instant.ofEpochMilli(rs.getLong(3)),
                    Optional.ofNullable(rs.getString(4)));
            }
        }
        try (PreparedStatement s = c.prepareStatement("DELETE FROM exec_tokens WHERE token_hash = ?")) {
            s.setString(1, tokenHash);
            return s.executeUpdate() == 1 ? Optional.of(token) : Optional.empty();
        }
    }

    /** Deletes tokens that expired before {@code now}; returns how many. */
    public Future<Integer> deleteExpired(Instant now) {
        return worker.executeBlocking(() -> {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement s = c.prepareStatement("DELETE FROM exec_tokens WHERE expires_at <= ?")) {
                s.setLong(1, now.toEpochMilli());
                return s.executeUpdate();
            }
        }, false);
    }
}
