package io.execbroker.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.execbroker.sample.config.LoginLimits;
import io.execbroker.sample.config.SampleConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;

class SampleAppTest {
    @TempDir
    Path dir;

    @Test
    void readsTheCommandLineIntoAConfigWithAnH2FileUnderTheDataDir() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "a-long-enough-broker-secret\n");

        SampleConfig config = parse("--listen", "0.0.0.0:9090", "--data-dir", dir.toString(),
            "--broker-secret-file", secret.toString(), "--token-ttl", "10s");

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(9090);
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:h2:file:" + dir.toAbsolutePath().resolve("tokens"));
        assertThat(config.brokerSecret()).contains("a-long-enough-broker-secret");
        assertThat(config.tokenTtl()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.jwt()).isEmpty();
        assertThat(config.cookieSecure()).isFalse();
    }

    @Test
    void needsNoBrokerSecretInJwtMode() {
        SampleConfig config = parse("--jwt", "--jwt-audience", "fleet-1");

        assertThat(config.jwt()).hasValueSatisfying(jwt -> assertThat(jwt.audience()).isEqualTo("fleet-1"));
        assertThat(config.brokerSecret()).isEmpty();
    }

    @Test
    void refusesTokenModeWithoutABrokerSecret() {
        assertThatThrownBy(() -> parse()).hasMessageStartingWith("brokerSecret: missing");
    }

    @Test
    void refusesAShortBrokerSecret() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "short");

        assertThatThrownBy(() -> parse("--broker-secret-file", secret.toString()))
            .hasMessage("brokerSecret: 5 chars (expected: >= 16)");
    }

    @Test
    void readsTheLoginLimitsWithDefaults() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "a-long-enough-broker-secret\n");

        SampleConfig defaults = parse("--broker-secret-file", secret.toString());
        SampleConfig set = parse("--broker-secret-file", secret.toString(), "--login-attempts-per-address", "20",
            "--login-address-period", "30s", "--login-failures-per-user", "3", "--login-user-period", "1h",
            "--login-tracked-keys", "500", "--password-queue", "0");

        assertThat(defaults.login()).isEqualTo(LoginLimits.DEFAULTS);
        assertThat(set.login()).isEqualTo(new LoginLimits(20, Duration.ofSeconds(30), 3, Duration.ofHours(1), 500, 0));
    }

    @Test
    void refusesALoginLimitOfZeroNamingIt() throws IOException {
        Path secret = Files.writeString(dir.resolve("secret"), "a-long-enough-broker-secret\n");

        assertThatThrownBy(() -> parse("--broker-secret-file", secret.toString(), "--login-failures-per-user", "0"))
            .hasMessage("failuresPerUser: 0 (expected: >= 1)");
    }

    private static SampleConfig parse(String... args) {
        SampleApp app = new SampleApp();
        new CommandLine(app).parseArgs(args);
        return app.config();
    }
}
