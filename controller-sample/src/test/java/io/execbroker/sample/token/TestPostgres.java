package io.execbroker.sample.token;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The PostgreSQL server of {@code deploy/dev/postgres-fixture.sh} (or {@code $EXEC_BROKER_PG_URL}), with a schema
 * per test. When it does not answer, tests fail with a message that names the fixture script: they never skip.
 */
final class TestPostgres {
    /** What deploy/dev/postgres-fixture.sh prints; a fixed password for a loopback-only test server. */
    static final String FIXTURE_URL = "jdbc:postgresql://127.0.0.1:55432/exec_broker_test"
        + "?user=exec_broker_test&password=exec-broker-test-password";

    private TestPostgres() {
    }

    /** Returns the server's JDBC URL, with credentials. */
    static String serverUrl() {
        String url = System.getenv("EXEC_BROKER_PG_URL");
        return url == null || url.isBlank() ? FIXTURE_URL : url;
    }

    /** Creates an empty schema of a random name and returns it. */
    static String createSchema() {
        String schema = "token_test_" + UUID.randomUUID().toString().replace('-', '_');
        execute("CREATE SCHEMA " + schema);
        return schema;
    }

    /** Returns the server's URL with {@code schema} first on the search path, where the store creates its table. */
    static String urlFor(String schema) {
        String url = serverUrl();
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    static void dropSchema(String schema) {
        execute("DROP SCHEMA " + schema + " CASCADE");
    }

    private static void execute(String sql) {
        try (Connection c = Databases.open(serverUrl()).getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            // The message names the server without its password (see Databases).
            throw new AssertionError("PostgreSQL for the tests does not answer: " + e.getMessage()
                + ". Start it with deploy/dev/postgres-fixture.sh (as root), or set EXEC_BROKER_PG_URL.", e);
        }
    }
}
