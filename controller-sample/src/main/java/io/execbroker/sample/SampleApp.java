package io.execbroker.sample;

import io.execbroker.sample.auth.Users;
import io.execbroker.sample.config.Durations;
import io.execbroker.sample.config.LoginLimits;
import io.execbroker.sample.config.SampleConfig;
import io.execbroker.sample.config.UsersFile;
import io.execbroker.sample.fleet.Brokers;
import io.execbroker.sample.fleet.BrokersFile;
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
    static final String DEFAULT_BROKER_URL = "ws://127.0.0.1:8866/exec";
    static final String DEFAULT_AUDIENCE = "exec-broker";

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

    @Option(names = "--broker-url", description = "the one broker's URL, told to the page (default: "
        + DEFAULT_BROKER_URL + ")")
    URI brokerUrl;

    @Option(names = "--broker-id", description = "the one broker's broker.id: binds its tokens to it (default: "
        + "\"" + Brokers.DEFAULT_ID + "\", not checked)")
    String brokerId;

    @Option(names = "--brokers", description = "a fleet: JSON file of broker id -> {url, containers} "
        + "(instead of --broker-url)")
    Path brokersFile;

    @Option(names = "--jwt", description = "JWT mode: sign RS256 grants instead of storing tokens")
    boolean jwt;

    @Option(names = "--jwt-private-key", description = "PKCS#8 PEM RSA key for JWT mode (implies --jwt); "
        + "default: a key generated at start")
    Path jwtPrivateKey;

    @Option(names = "--jwt-audience", description = "aud claim (default: --broker-id, else " + DEFAULT_AUDIENCE
        + "; with --brokers each broker's id)")
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
        Brokers brokers = brokers();
        Optional<SampleConfig.JwtSettings> jwtSettings = jwt || jwtPrivateKey != null
            ? Optional.of(new SampleConfig.JwtSettings(Optional.ofNullable(jwtPrivateKey), audience(brokers),
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
        return new SampleConfig(listen.substring(0, colon), port, url, readSecret(), ttl, brokers, jwtSettings, tls,
            secureCookie, login);
    }

    /** The fleet of {@code --brokers}, or the one broker of {@code --broker-url} and {@code --broker-id}. */
    private Brokers brokers() {
        if (brokersFile == null) {
            return Brokers.single(brokerUrl != null ? brokerUrl : URI.create(DEFAULT_BROKER_URL),
                Optional.ofNullable(brokerId));
        }
        if (brokerUrl != null || brokerId != null) {
            throw new IllegalArgumentException((brokerUrl != null ? "--broker-url" : "--broker-id") + ": given with"
                + " --brokers (expected: one of them; a fleet's brokers, ids and URLs are in the --brokers file)");
        }
        if (jwtAudience != null) {
            throw new IllegalArgumentException("--jwt-audience: given with --brokers (expected: none; each JWT's aud"
                + " is the id of the broker it is for)");
        }
        return BrokersFile.load(brokersFile);
    }

    /** A fixed aud, or empty for each broker's id (a fleet, or one broker named by --broker-id). */
    private Optional<String> audience(Brokers brokers) {
        if (jwtAudience != null) {
            return Optional.of(jwtAudience);
        }
        return brokers.idKnown() ? Optional.empty() : Optional.of(DEFAULT_AUDIENCE);
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
