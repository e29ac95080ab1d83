package io.execbroker.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerConfigTest {
    private static final Map<String, String> CONTROLLER = Map.of("controller.url", "http://127.0.0.1:9/controller");

    @TempDir
    Path dir;

    private static BrokerConfig load(Optional<Path> file, Map<String, String> env, Map<String, String> flags)
            throws ConfigException {
        return BrokerConfig.from(ConfigValues.load(file, env, flags));
    }

    @Test
    void defaultsNeedOnlyAMode() throws ConfigException {
        BrokerConfig cfg = load(Optional.empty(), Map.of(), CONTROLLER);
        assertThat(cfg.settings().host()).isEqualTo("127.0.0.1");
        assertThat(cfg.settings().port()).isEqualTo(8866);
        assertThat(cfg.settings().path()).isEqualTo("/exec");
        assertThat(cfg.settings().limits()).isEqualTo(SessionLimits.DEFAULTS);
        assertThat(cfg.settings().handshake()).isEqualTo(HandshakeSettings.DEFAULTS);
        assertThat(cfg.controller().orElseThrow().timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(cfg.auditLog()).isEqualTo("-");
    }

    @Test
    void fileThenEnvironmentThenFlags() throws Exception {
        Path file = write("""
            listen: 0.0.0.0:9000
            controller:
              url: https://app/controller
            limits:
              maxSessions: 5
              idleTimeoutSeconds: 60
            origins: [https://a.example, https://b.example]
            policy:
              commands: [["ps", "aux"], ["/bin/sh", "**"]]
            """);
        BrokerConfig cfg = load(Optional.of(file), Map.of("EXEC_BROKER_LIMITS_MAX_SESSIONS", "7", "EXEC_BROKER_LISTEN",
            "127.0.0.1:9001"), Map.of("listen", "127.0.0.1:9002"));
        assertThat(cfg.settings().port()).isEqualTo(9002);
        assertThat(cfg.settings().limits().maxSessions()).isEqualTo(7);
        assertThat(cfg.settings().limits().idleTimeout()).isEqualTo(Duration.ofMinutes(1));
        assertThat(cfg.settings().handshake().allowedOrigins()).containsExactlyInAnyOrder("https://a.example", "https://b.example");
        assertThat(cfg.settings().policy().commands()).containsExactly(List.of("ps", "aux"), List.of("/bin/sh", "**"));
    }

    @Test
    void jsonFilesWorkToo() throws Exception {
        Path file = write("{\"controller\": {\"url\": \"https://app/c\"}, \"queryToken\": false}");
        assertThat(load(Optional.of(file), Map.of(), Map.of()).settings().handshake().queryTokenAllowed()).isFalse();
    }

    @Test
    void unknownKeyInTheFileStopsTheStart() throws Exception {
        Path file = write("limits:\n  maxSesions: 3\n");
        assertThatThrownBy(() -> load(Optional.of(file), Map.of(), CONTROLLER))
            .hasMessageEndingWith("unknown key limits.maxSesions (see docs/configuration.md for the keys)");
    }

    @Test
    void badValuesNameTheKeyAndWhatWasExpected() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("controller.url", "ftp://x")))
            .hasMessage("controller.url: ftp://x (expected: an http or https URL)");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("EXEC_BROKER_LIMITS_IDLE_TIMEOUT_SECONDS", "soon"), CONTROLLER))
            .hasMessage("limits.idleTimeoutSeconds: soon (expected: an integer >= 1)");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("EXEC_BROKER_QUERY_TOKEN", "maybe"), CONTROLLER))
            .hasMessage("queryToken: maybe (expected: true or false)");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("controller.url", "https://a/c", "listen", "8866")))
            .hasMessage("listen: 8866 (expected: HOST:PORT, like 127.0.0.1:8866)");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("controller.url", "https://a/c",
            "controller.secretFile", "/no/such/file")))
            .hasMessage("controller.secretFile: /no/such/file (expected: a readable file)");
    }

    @Test
    void exactlyOneModeMustBeConfigured() throws IOException {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of()))
            .hasMessageStartingWith("mode: neither controller.url nor a jwt key is set");
        Path secret = write("0123456789abcdef0123456789abcdef");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("controller.url", "https://a/c",
            "jwt.secretFile", secret.toString())))
            .hasMessageStartingWith("mode: both controller.url and a jwt key are set");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("jwt.secretFile", secret.toString(),
            "jwt.jwksUrl", "https://idp/jwks")))
            .hasMessageStartingWith("jwt: 2 key sources set");
    }

    @Test
    void plainHttpToAHostOtherThanLoopbackIsRefusedUnlessAllowed() throws Exception {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("controller.url", "http://app.internal/c")))
            .hasMessage("controller.url: http://app.internal is plain http to a host other than loopback (expected: "
                + "https, so nobody on the path can forge grants; or set controller.allowInsecureHttp to true if the "
                + "path is trusted)");
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("jwt.jwksUrl", "http://10.1.2.3/jwks")))
            .hasMessageStartingWith("jwt.jwksUrl: http://10.1.2.3 is plain http to a host other than loopback")
            .hasMessageContaining("swap the keys").hasMessageEndingWith("set jwt.allowInsecureHttp to true if the "
                + "path is trusted)");
        // 127.1.2.300 is no address, and a name that merely starts like one is looked up elsewhere.
        for (String host : List.of("127.1.2.300", "127.0.0.1.example", "localhost.example", "[::2]")) {
            assertThatThrownBy(() -> load(Optional.empty(), Map.of(), Map.of("controller.url", "http://" + host + "/c")))
                .as(host).hasMessageStartingWith("controller.url: http://");
        }
        for (String host : List.of("127.0.0.1", "127.9.8.7", "localhost", "LOCALHOST", "[::1]")) {
            assertThat(load(Optional.empty(), Map.of(), Map.of("controller.url", "http://" + host + ":8080/c"))
                .controller()).as(host).isPresent();
        }
        assertThat(load(Optional.empty(), Map.of("EXEC_BROKER_CONTROLLER_ALLOW_INSECURE_HTTP", "true"),
            Map.of("controller.url", "http://app.internal/c")).controller()).isPresent();
        assertThat(load(Optional.empty(), Map.of(), Map.of("jwt.jwksUrl", "http://idp/jwks", "jwt.allowInsecureHttp",
            "true")).jwt()).isPresent();
        assertThat(load(Optional.empty(), Map.of(), Map.of("controller.url", "https://app.internal/c")).controller())
            .isPresent();
    }

    @Test
    void jwtLifetimeAndKeyAgeHaveBoundedDefaults() throws Exception {
        BrokerConfig.Jwt jwt = load(Optional.empty(), Map.of(), Map.of("jwt.jwksUrl", "https://idp/jwks")).jwt()
            .orElseThrow();
        assertThat(jwt.maxLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(jwt.jwksMaxAge()).isEqualTo(Duration.ofMinutes(5));
        assertThat(load(Optional.empty(), Map.of(), Map.of("jwt.jwksUrl", "https://idp/jwks", "jwt.maxLifetimeSeconds",
            "600", "jwt.jwksMaxAgeSeconds", "60")).jwt().orElseThrow())
            .satisfies(j -> assertThat(j.maxLifetime()).isEqualTo(Duration.ofMinutes(10)))
            .satisfies(j -> assertThat(j.jwksMaxAge()).isEqualTo(Duration.ofMinutes(1)));
    }

    @Test
    void badPolicyRulesNameTheKey() {
        assertThatThrownBy(() -> load(Optional.empty(), Map.of("EXEC_BROKER_POLICY_COMMANDS", "[[\"**\", \"x\"]]"), CONTROLLER))
            .hasMessageStartingWith("policy.commands[0]");
    }

    @Test
    void environmentNamesFollowTheKeys() {
        assertThat(ConfigKey.of("limits.maxSessions").envName()).isEqualTo("EXEC_BROKER_LIMITS_MAX_SESSIONS");
        assertThat(ConfigKey.of("jwt.jwksUrl").envName()).isEqualTo("EXEC_BROKER_JWT_JWKS_URL");
        assertThat(ConfigKey.of("listen").envName()).isEqualTo("EXEC_BROKER_LISTEN");
    }

    @Test
    void everyKeyIsDocumented() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "configuration.md"));
        for (ConfigKey key : ConfigKey.ALL) {
            assertThat(doc).as("docs/configuration.md documents %s", key.path())
                .contains("`" + key.path() + "`").contains("`" + key.envName() + "`");
        }
    }


    @Test
    void theKubernetesConfigMapsBrokerYamlIsAConfigTheBrokerTakes() throws Exception {
        com.fasterxml.jackson.databind.JsonNode map = new com.fasterxml.jackson.databind.ObjectMapper(
            new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(Path.of("..", "deploy", "k8s",
            "configmap.yaml").toFile());
        Path file = write(map.path("data").path("broker.yaml").asText());
        Path secret = write("a secret of at least thirty-two bytes, for HS256");
        // As the DaemonSet runs it: the broker id (the node's name) from the environment; the secret's path is the
        // test's own.
        BrokerConfig cfg = load(Optional.of(file), Map.of("EXEC_BROKER_BROKER_ID", "node-1"),
            Map.of("jwt.secretFile", secret.toString()));
        assertThat(cfg.ops()).contains(new BrokerConfig.HostPort("0.0.0.0", 9866));
        assertThat(cfg.settings().host()).isEqualTo("0.0.0.0");
        assertThat(cfg.identity().id()).isEqualTo("node-1");
        assertThat(cfg.jwtAudience()).isEqualTo("node-1");
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "cfg", ".yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void tlsKeyFileWithoutACertFileStopsTheStart(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path key = java.nio.file.Files.writeString(dir.resolve("key.pem"), "x");
        Map<String, String> flags = new java.util.HashMap<>(CONTROLLER);
        flags.put("tls.keyFile", key.toString());
        assertThatThrownBy(() -> load(Optional.empty(), Map.of(), flags)).isInstanceOf(ConfigException.class)
            .hasMessage("tls.certFile: missing (expected: tls.certFile and tls.keyFile together)");
    }

    @Test
    void tlsFilesComeFromTheEnvironmentWithTheDefaultReloadInterval(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path cert = java.nio.file.Files.writeString(dir.resolve("cert.pem"), "x");
        Path key = java.nio.file.Files.writeString(dir.resolve("key.pem"), "x");
        BrokerConfig cfg = load(Optional.empty(), Map.of("EXEC_BROKER_TLS_CERT_FILE", cert.toString(),
            "EXEC_BROKER_TLS_KEY_FILE", key.toString()), CONTROLLER);
        assertThat(cfg.settings().tls()).contains(TlsSettings.of(cert, key));
    }
}
