package io.execbroker.sample.token;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabasesTest {
    private static final String SECRET = "s3cret-in-the-url";

    @TempDir
    Path dir;

    @Test
    void namesARefusedPostgresqlServerWithoutThePassword() {
        // Port 1 on the loopback interface: nothing listens, so the driver is refused at once.
        DataSource source = Databases.open("jdbc:postgresql://127.0.0.1:1/db?user=u&password=" + SECRET);

        assertThatThrownBy(() -> connect(source)).isInstanceOf(SQLException.class).hasNoCause()
            .hasMessageStartingWith("token database: cannot connect to jdbc:postgresql://127.0.0.1:1/db (")
            .hasMessageContaining("refused")
            .hasMessageNotContaining(SECRET);
    }

    @Test
    void namesAUrlNoDriverTakesWithoutThePassword() {
        DataSource source = Databases.open("jdbc:postgres://127.0.0.1/db?password=" + SECRET);

        assertThatThrownBy(() -> connect(source)).isInstanceOf(SQLException.class)
            .hasMessage("token database: cannot connect to jdbc:postgres://127.0.0.1/db "
                + "(No suitable driver found for jdbc:postgres://127.0.0.1/db)");
    }

    @Test
    void namesABadH2UrlWithoutThePassword() {
        DataSource source = Databases.open("jdbc:h2:file:" + dir.resolve("tokens") + ";NO_SUCH_SETTING=1;PASSWORD="
            + SECRET);

        try {
            assertThatThrownBy(() -> connect(source)).isInstanceOf(SQLException.class).hasNoCause()
                .hasMessageStartingWith("token database: cannot connect to jdbc:h2:file:" + dir.resolve("tokens") + " (")
                .hasMessageNotContaining(SECRET);
        } finally {
            Databases.close(source);
        }
    }

    private static void connect(DataSource source) throws SQLException {
        try (Connection c = source.getConnection()) {
            c.isValid(1);
        }
    }
}
