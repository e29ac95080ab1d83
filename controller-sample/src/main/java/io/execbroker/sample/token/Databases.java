package io.execbroker.sample.token;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.h2.jdbcx.JdbcConnectionPool;

/** Opens the token database: a small H2 pool for {@code jdbc:h2:} URLs, else a connection per call. */
public final class Databases {
    /** Most H2 connections at once; matches the JDBC worker pool. */
    public static final int MAX_H2_CONNECTIONS = 8;

    private Databases() {
    }

    /** Returns a data source for {@code jdbcUrl}; credentials, if any, go in the URL. */
    public static DataSource open(String jdbcUrl) {
        if (jdbcUrl.startsWith("jdbc:h2:")) {
            JdbcConnectionPool pool = JdbcConnectionPool.create(jdbcUrl, "", "");
            pool.setMaxConnections(MAX_H2_CONNECTIONS);
            return pool;
        }
        return new DriverManagerSource(jdbcUrl);
    }

    /** Releases what {@link #open} holds. */
    public static void close(DataSource dataSource) {
        if (dataSource instanceof JdbcConnectionPool pool) {
            pool.dispose();
        }
    }

    /** A connection per call, for databases that are not H2 (PostgreSQL: one token redemption per session). */
    private static final class DriverManagerSource implements DataSource {
        private final String url;

        DriverManagerSource(String url) {
            this.url = url;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return DriverManager.getConnection(url);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return DriverManager.getConnection(url, username, password);
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
        }

        @Override
        public void setLoginTimeout(int seconds) {
            DriverManager.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() {
            return DriverManager.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException("no parent logger");
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            throw new SQLException("not a wrapper of " + type.getName());
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return false;
        }
    }
}
