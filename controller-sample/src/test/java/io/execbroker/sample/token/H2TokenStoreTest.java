package io.execbroker.sample.token;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

/** The token store's checks on H2, the default database: a file in a temp dir per test. */
class H2TokenStoreTest extends TokenStoreContract {
    @TempDir
    Path dataDir;

    @Override
    String emptyDatabaseUrl() {
        return "jdbc:h2:file:" + dataDir.resolve("tokens");
    }
}
