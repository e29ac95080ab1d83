package io.execbroker.sample;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.execbroker.sample.config.LoginLimits;
import io.execbroker.sample.config.SampleConfig;
import io.execbroker.sample.fleet.BrokerRoute;

import java.io.IOException;
import java.net.URI;
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

        assertThat(config.jwt()).hasValueSatisfying(jwt -> assertThat(jwt.audience()).contains("fleet-1"));
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

    @Test
    void readsAFleetFromTheBrokersFile() throws IOException {
        Path brokers = Files.writeString(dir.resolve("brokers.json"), """
            {"host-a": {"url": "ws://127.0.0.1:8866/exec", "containers": ["servertest"]},
             "host-b": {"url": "ws://127.0.0.1:8867/exec", "containers": ["fleet-b"]}}
            """);

        SampleConfig config = parse("--jwt", "--brokers", brokers.toString());

        assertThat(config.brokers().isFleet()).isTrue();
        assertThat(config.brokers().forContainer("fleet-b")).map(BrokerRoute::url)
            .contains(URI.create("ws://127.0.0.1:8867/exec"));
        assertThat(config.jwt()).hasValueSatisfying(jwt -> assertThat(jwt.audience()).isEmpty());
    }

    @Test
    void keepsTheOneBrokerOfBrokerUrlWithTheDefaultIdUncheckedAndTheDefaultAudience() {
        SampleConfig config = parse("--jwt");

        assertThat(config.brokers().isFleet()).isFalse();
        assertThat(config.brokers().idKnown()).isFalse();
        assertThat(config.brokers().routes()).singleElement().satisfies(route -> {
            assertThat(route.id()).isEqualTo("default");
            assertThat(route.url()).isEqualTo(URI.create("ws://127.0.0.1:8866/exec"));
        });
        assertThat(config.jwt()).hasValueSatisfying(jwt -> assertThat(jwt.audience()).contains("exec-broker"));
    }

    @Test
    void bindsTheOneBrokersTokensToBrokerIdAndSignsItAsTheAudience() {
        SampleConfig config = parse("--jwt", "--broker-url", "wss://b.example/exec", "--broker-id", "host-a");

        assertThat(config.brokers().idKnown()).isTrue();
        assertThat(config.brokers().forContainer("any")).map(BrokerRoute::id).contains("host-a");
        assertThat(config.jwt()).hasValueSatisfying(jwt -> assertThat(jwt.audience()).isEmpty());
    }

    @Test
    void refusesBrokersWithBrokerUrlOrBrokerIdOrJwtAudience() throws IOException {
        Path brokers = Files.writeString(dir.resolve("brokers.json"),
            "{\"host-a\": {\"url\": \"ws://a/exec\", \"containers\": [\"x\"]}}");

        assertThatThrownBy(() -> parse("--jwt", "--brokers", brokers.toString(), "--broker-url", "ws://a/exec"))
            .hasMessage("--broker-url: given with --brokers (expected: one of them; a fleet's brokers, ids and URLs"
                + " are in the --brokers file)");
        assertThatThrownBy(() -> parse("--jwt", "--brokers", brokers.toString(), "--broker-id", "host-a"))
            .hasMessageStartingWith("--broker-id: given with --brokers");
        assertThatThrownBy(() -> parse("--jwt", "--brokers", brokers.toString(), "--jwt-audience", "fleet"))
            .hasMessage("--jwt-audience: given with --brokers (expected: none; each JWT's aud is the id of the"
                + " broker it is for)");
    }

    @Test
    void refusesABadBrokerIdAndABadBrokersFileNamingThem() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty.json"), "{}");

        assertThatThrownBy(() -> parse("--jwt", "--broker-id", "no spaces")).hasMessageStartingWith("broker id"
            + " \"no spaces\" (expected: letters, digits");
        assertThatThrownBy(() -> parse("--jwt", "--brokers", empty.toString())).hasMessage("brokers file " + empty
            + ": brokers: empty (expected: at least one broker id with its url and containers)");
    }

    private static SampleConfig parse(String... args) {
        SampleApp app = new SampleApp();
        new CommandLine(app).parseArgs(args);
        return app.config();
    }
}
