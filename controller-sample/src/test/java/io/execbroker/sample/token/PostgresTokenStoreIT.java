package io.execbroker.sample.token;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The token store's checks on a real PostgreSQL (deploy/dev/postgres-fixture.sh), each test in a schema of its own
 * that is dropped after it; plus what only a server shows, like a wrong password.
 */
class PostgresTokenStoreIT extends TokenStoreContract {
    private String schema;

    @Override
    String emptyDatabaseUrl() {
        schema = TestPostgres.createSchema();
        return TestPostgres.urlFor(schema);
    }

    @AfterEach
    void dropSchema() {
        if (schema != null) {
            TestPostgres.dropSchema(schema);
        }
    }

    @Test
    void namesTheDatabaseButNotTheWrongPasswordWhenSignInFails() {
        String wrong = "not-the-password-4711";
        String url = TestPostgres.serverUrl().replaceFirst("password=[^&]*", "password=" + wrong);
        DataSource source = Databases.open(url);

        assertThatThrownBy(() -> {
            try (Connection c = source.getConnection()) {
                c.isValid(1);
            }
        }).isInstanceOf(SQLException.class).hasNoCause()
            .hasMessageStartingWith("token database: cannot connect to " + JdbcUrl.of(url) + " (")
            .hasMessageContaining("password authentication failed")
            .hasMessageNotContaining(wrong);
    }
}
