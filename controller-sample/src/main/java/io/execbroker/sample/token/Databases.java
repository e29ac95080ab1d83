package io.execbroker.sample.token;

import java.sql.DriverManager;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcConnectionPool;

/**
 * Opens the token database: a small H2 pool for {@code jdbc:h2:} URLs, else a connection per call through the
 * driver of the URL (the jar holds H2's and PostgreSQL's). Errors name the database without its secrets.
 */
public final class Databases {
    /** Most H2 connections at once; matches the JDBC worker pool. */
    public static final int MAX_H2_CONNECTIONS = 8;

    private Databases() {
    }

    /** Returns a data source for {@code jdbcUrl}; credentials, if any, go in the URL. Connects only when used. */
    public static DataSource open(String jdbcUrl) {
        JdbcUrl url = JdbcUrl.of(jdbcUrl);
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "", "");
            pool.setMaxConnections(MAX_H2_CONNECTIONS);
            return new TokenDataSource(url, pool::getConnection, pool::dispose);
        }
        // A connection per call (PostgreSQL: one token redemption per session) keeps the sample free of a pool.
        return new TokenDataSource(url, () -> DriverManager.getConnection(jdbcUrl), () -> { });
    }

    /** Releases what {@link #open} holds. */
    public static void close(DataSource dataSource) {
        if (dataSource instanceof TokenDataSource source) {
            source.close();
        }
    }
}
