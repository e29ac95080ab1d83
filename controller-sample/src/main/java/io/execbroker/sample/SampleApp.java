package io.execbroker.sample;

import io.execbroker.sample.auth.Users;
import io.execbroker.sample.config.Durations;
import io.execbroker.sample.config.LoginLimits;
import io.execbroker.sample.config.SampleConfig;
import io.execbroker.sample.config.UsersFile;
import io.vertx.core.Vertx;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the controller sample, or with {@code hash-password} prints a hash for the users file. */
@Command(name = "controller-sample", mixinStandardHelpOptions = true, subcommands = HashPasswordCommand.class,
    description = "A small web app that signs users in and issues exec-broker tokens for their grants.")
public final class SampleApp implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:8080", description = "host:port (default: ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--users", description = "users file: names, password hashes and grants (required to serve)")
    Path usersFile;

    @Option(names = "--data-dir", defaultValue = "data", description = "directory of the H2 token database")
    Path dataDir;

    @Option(names = "--jdbc-url", description = "another token database, like jdbc:postgresql://db/app?user=…")
    String jdbcUrl;

    @Option(names = "--broker-secret-file", description = "the secret the broker sends as Authorization: Bearer")
    Path brokerSecretFile;

    @Option(names = "--token-ttl", defaultValue = "30s", description = "token lifetime (default: ${DEFAULT-VALUE})")
    String tokenTtl;

    @Option(names = "--broker-url", defaultValue = "ws://127.0.0.1:8866/exec", description = "told to the page")
    URI brokerUrl;

    @Option(names = "--jwt", description = "JWT mode: sign RS256 grants instead of storing tokens")
    boolean jwt;

    @Option(names = "--jwt-private-key", description = "PKCS#8 PEM RSA key for JWT mode (implies --jwt); "
        + "default: a key generated at start")
    Path jwtPrivateKey;

    @Option(names = "--jwt-audience", defaultValue = "exec-broker", description = "aud claim (default: ${DEFAULT-VALUE})")
    String jwtAudience;

    @Option(names = "--jwt-issuer", description = "iss claim")
    String jwtIssuer;

    @Option(names = "--tls-cert", description = "PEM certificate chain for HTTPS")
    Path tlsCert;

    @Option(names = "--tls-key", description = "PEM PKCS#8 key for HTTPS")
    Path tlsKey;

    @Option(names = "--secure-cookie", description = "Secure session cookie without --tls-* (TLS ends at a proxy)")
    boolean secureCookie;

    @Option(names = "--login-attempts-per-address", defaultValue = "10",
        description = "login attempts per client address per --login-address-period (default: ${DEFAULT-VALUE})")
    int loginAttemptsPerAddress;

    @Option(names = "--login-address-period", defaultValue = "1m", description = "(default: ${DEFAULT-VALUE})")
    String loginAddressPeriod;

    @Option(names = "--login-failures-per-user", defaultValue = "5",
        description = "failed logins per user name per --login-user-period (default: ${DEFAULT-VALUE})")
    int loginFailuresPerUser;

    @Option(names = "--login-user-period", defaultValue = "15m", description = "(default: ${DEFAULT-VALUE})")
    String loginUserPeriod;

    @Option(names = "--login-tracked-keys", defaultValue = "10000",
        description = "most addresses and user names the login limits remember (default: ${DEFAULT-VALUE})")
    int loginTrackedKeys;

    @Option(names = "--password-queue", defaultValue = "16",
        description = "most password checks waiting for the hashing pool; past it 503 (default: ${DEFAULT-VALUE})")
    int passwordQueue;

    public static void main(String[] args) {
        int code = new CommandLine(new SampleApp())
            .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                if (!(e instanceof IllegalArgumentException)) {
                    throw e;
                }
                commandLine.getErr().println("controller-sample: " + e.getMessage());
                return 2;
            })
            .execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public Integer call() {
        if (usersFile == null) {
            throw new IllegalArgumentException("--users: missing (expected: the users file, see README.md)");
        }
        SampleConfig config = config();
        Users users = UsersFile.load(usersFile);
        Vertx vertx = Vertx.vertx();
        vertx.deployVerticle(new SampleVerticle(config, users, Clock.systemUTC())).onFailure(e -> {
            System.err.println("controller-sample failed to start: " + e.getMessage());
            vertx.close().onComplete(v -> System.exit(1));
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await()));
        return 0;
    }

    SampleConfig config() {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen: \"" + listen + "\" (expected: host:port)");
        }
        int port = Integer.parseInt(listen.substring(colon + 1));
        String url = jdbcUrl != null ? jdbcUrl : "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("tokens");
        Optional<SampleConfig.JwtSettings> jwtSettings = jwt || jwtPrivateKey != null
            ? Optional.of(new SampleConfig.JwtSettings(Optional.ofNullable(jwtPrivateKey), jwtAudience,
                Optional.ofNullable(jwtIssuer)))
            : Optional.empty();
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key: only one given (expected: both or neither)");
        }
        Optional<SampleConfig.TlsFiles> tls = tlsCert == null ? Optional.empty()
            : Optional.of(new SampleConfig.TlsFiles(tlsCert, tlsKey));
        Duration ttl = Durations.parse(tokenTtl);
        LoginLimits login = new LoginLimits(loginAttemptsPerAddress, Durations.parse(loginAddressPeriod),
            loginFailuresPerUser, Durations.parse(loginUserPeriod), loginTrackedKeys, passwordQueue);
        return new SampleConfig(listen.substring(0, colon), port, url, readSecret(), ttl, brokerUrl, jwtSettings, tls,
            secureCookie, login);
    }

    private Optional<String> readSecret() {
        if (brokerSecretFile == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(brokerSecretFile, StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            throw new IllegalArgumentException("--broker-secret-file " + brokerSecretFile + ": cannot read ("
                + e.getMessage() + ")", e);
        }
    }
}
