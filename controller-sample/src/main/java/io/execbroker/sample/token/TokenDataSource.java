package io.execbroker.sample.token;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

import javax.sql.DataSource;

/**
 * The token database's connections. A failure to connect becomes one {@link SQLException} that names the database
 * without its secrets, like {@code token database: cannot connect to jdbc:postgresql://127.0.0.1:5432/db (Connection
 * to 127.0.0.1:5432 refused. …)}; the driver's exception is not kept as the cause, since its message or a nested one
 * may hold the full URL. Thread safe if the connector is.
 */
final class TokenDataSource implements DataSource {
    /** Opens a connection, like {@code DriverManager.getConnection(url)}. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private final JdbcUrl url;
    private final Connector connector;
    private final Runnable onClose;

    TokenDataSource(JdbcUrl url, Connector connector, Runnable onClose) {
        this.url = url;
        this.connector = connector;
        this.onClose = onClose;
    }

    @Override
    public Connection getConnection() throws SQLException {
        try {
            return connector.connect();
        } catch (SQLException e) {
            throw new SQLException("token database: cannot connect to " + url + " (" + url.scrub(e.getMessage()) + ")",
                e.getSQLState(), e.getErrorCode());
        }
    }

    /** Releases what the connector holds, like a pool's connections. */
    void close() {
        onClose.run();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("token database: credentials go in the JDBC URL");
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
    }

    @Override
    public int getLoginTimeout() {
        return 0;
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

    @Override
    public String toString() {
        return "token database " + url;
    }
}
