package io.execbroker.broker.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.execbroker.broker.policy.PolicyRules;
import io.execbroker.broker.policy.TtyRule;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;

/**
 * Everything {@code exec-broker serve} needs, read once from {@link ConfigValues} and checked: exactly one of
 * controller mode and JWT mode, and every value in range. Immutable.
 *
 * @param settings where to listen and the limits
 * @param controller controller mode's settings, if that is the mode
 * @param jwt JWT mode's settings, if that is the mode
 * @param defaultContainer the container of grants that name none
 * @param auditLog a file, or {@code -} for stdout
 * @param ops where the metrics and the probes listen, unless {@code ops.listen} is {@code off}
 * @param identity which broker of its fleet this is
 */
public record BrokerConfig(BrokerSettings settings, Optional<Controller> controller, Optional<Jwt> jwt,
                           Optional<String> defaultContainer, String auditLog, Optional<HostPort> ops,
                           BrokerIdentity identity) {

    /**
     * Returns the {@code aud} a JWT must carry: {@code jwt.audience} when it is set (a fleet, or this broker by another
     * name), else {@code broker.id}. Never empty, so a token is always bound to a broker or a fleet.
     */
    public String jwtAudience() {
        return jwt.flatMap(Jwt::audience).orElse(identity.id());
    }

    /** An address to listen on. */
    public record HostPort(String host, int port) { }

    /** Controller mode. */
    public record Controller(URI url, Optional<Path> secretFile, Duration timeout, int maxBodyBytes, int maxInFlight) { }

    /** JWT mode: exactly one key source. */
    public record Jwt(Optional<Path> secretFile, Optional<String> secretEnv, Optional<Path> publicKeyFile,
                      Optional<URI> jwksUrl, Duration jwksMaxAge, Optional<String> issuer, Optional<String> audience,
                      Duration leeway, boolean singleUseJti, Duration maxLifetime) { }

    /** @throws ConfigException naming the key that is wrong and what was expected */
    public static BrokerConfig from(ConfigValues v) throws ConfigException {
        HostPort listen = hostPort("listen", v.string("listen").orElseThrow(), "127.0.0.1:8866");
        String opsListen = v.string("ops.listen").orElseThrow();
        Optional<HostPort> ops = opsListen.equals("off") ? Optional.empty()
            : Optional.of(hostPort("ops.listen", opsListen, "127.0.0.1:9866"));
        if (ops.isPresent() && ops.get().port() != 0 && ops.get().equals(listen)) {
            throw new ConfigException("ops.listen: " + opsListen + " (expected: another address than listen, so that"
                + " the WebSocket port never serves metrics)");
        }
        String path = v.string("path").orElseThrow();
        if (!path.startsWith("/")) {
            throw new ConfigException("path: " + path + " (expected: starts with /)");
        }
        SessionLimits limits = new SessionLimits(v.integer("limits.maxSessions", 1),
            v.integer("limits.maxMessageBytes", 64), v.integer("limits.outputQueueBytes", 1024),
            v.integer("limits.pendingStdinBytes", 1024), v.seconds("limits.idleTimeoutSeconds", 1),
            v.seconds("limits.maxDurationSeconds", 1), v.seconds("limits.killGraceSeconds", 1),
            v.seconds("limits.pingIntervalSeconds", 0));
        HandshakeSettings handshake = new HandshakeSettings(new HashSet<>(v.strings("origins")), v.bool("queryToken"),
            v.decimal("limits.handshakesPerSecond"), v.integer("limits.handshakeBurst", 1),
            v.integer("limits.maxSessionsPerSubject", 1), v.seconds("limits.handshakeIdleSeconds", 0));
        String eventsPath = v.string("eventsPath").orElseThrow();
        if (!eventsPath.startsWith("/") || eventsPath.equals(path)) {
            throw new ConfigException("eventsPath: " + eventsPath + " (expected: starts with /, and not the path " + path + ")");
        }
        EventSettings events = new EventSettings(eventsPath, v.integer("events.maxWatchers", 1),
            v.integer("events.queueBytes", 1024), v.integer("events.maxWatchersPerSubject", 1));
        BrokerSettings settings = new BrokerSettings(listen.host(), listen.port(), path, limits, handshake,
            policy(v), events, tls(v));

        Optional<Controller> controller = v.url("controller.url").map(url -> new Controller(url, null, null, 0, 0));
        if (controller.isPresent()) {
            SecureUrl.check("controller.url", controller.get().url(), v.bool("controller.allowInsecureHttp"));
            controller = Optional.of(new Controller(controller.get().url(), v.file("controller.secretFile"),
                v.seconds("controller.timeoutSeconds", 1), v.integer("controller.maxBodyBytes", 256),
                v.integer("controller.maxInFlight", 1)));
        }
        Jwt jwt = new Jwt(v.file("jwt.secretFile"), v.string("jwt.secretEnv"), v.file("jwt.publicKeyFile"),
            v.url("jwt.jwksUrl"), v.seconds("jwt.jwksMaxAgeSeconds", 1), v.string("jwt.issuer"),
            v.string("jwt.audience"), v.seconds("jwt.leewaySeconds", 0), v.bool("jwt.singleUseJti"),
            v.seconds("jwt.maxLifetimeSeconds", 1));
        if (jwt.jwksUrl().isPresent()) {
            SecureUrl.check("jwt.jwksUrl", jwt.jwksUrl().get(), v.bool("jwt.allowInsecureHttp"));
        }
        int keySources = (jwt.secretFile().isPresent() ? 1 : 0) + (jwt.secretEnv().isPresent() ? 1 : 0)
            + (jwt.publicKeyFile().isPresent() ? 1 : 0) + (jwt.jwksUrl().isPresent() ? 1 : 0);
        if (keySources > 1) {
            throw new ConfigException("jwt: " + keySources + " key sources set (expected: one of jwt.secretFile, "
                + "jwt.secretEnv, jwt.publicKeyFile, jwt.jwksUrl)");
        }
        if (controller.isPresent() == (keySources == 1)) {
            throw new ConfigException("mode: " + (controller.isPresent() ? "both controller.url and a jwt key are set"
                : "neither controller.url nor a jwt key is set")
                + " (expected: exactly one of controller mode (--controller-url) and JWT mode (--jwt-secret-file,"
                + " --jwt-public-key or --jwks-url))");
        }
        return new BrokerConfig(settings, controller, keySources == 1 ? Optional.of(jwt) : Optional.empty(),
            v.string("defaultContainer"), v.string("audit.log").orElse("-"), ops, BrokerIdentity.from(v));
    }

    private static HostPort hostPort(String key, String value, String example) throws ConfigException {
        int colon = value.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(value.substring(colon + 1));
        } catch (RuntimeException e) {
            port = -1;
        }
        if (colon <= 0 || port < 0 || port > 65535) {
            throw new ConfigException(key + ": " + value + " (expected: HOST:PORT, like " + example + ")");
        }
        return new HostPort(value.substring(0, colon), port);
    }

    private static Optional<TlsSettings> tls(ConfigValues v) throws ConfigException {
        Optional<Path> cert = v.file("tls.certFile");
        Optional<Path> key = v.file("tls.keyFile");
        Optional<Path> clientCa = v.file("tls.clientCaFile");
        if (cert.isPresent() != key.isPresent()) {
            throw new ConfigException((cert.isPresent() ? "tls.keyFile" : "tls.certFile")
                + ": missing (expected: tls.certFile and tls.keyFile together)");
        }
        if (cert.isEmpty()) {
            if (clientCa.isPresent()) {
                throw new ConfigException("tls.clientCaFile: set without tls.certFile (expected: TLS on, with "
                    + "tls.certFile and tls.keyFile)");
            }
            return Optional.empty();
        }
        return Optional.of(new TlsSettings(cert.get(), key.get(), clientCa, v.seconds("tls.reloadSeconds", 0)));
    }

    private static PolicyRules policy(ConfigValues v) throws ConfigException {
        List<List<String>> commands = new ArrayList<>();
        Optional<JsonNode> json = v.json("policy.commands");
        if (json.isPresent()) {
            if (!json.get().isArray()) {
                throw new ConfigException("policy.commands: expected a list of argv patterns, like [[\"ps\", \"aux\"]]");
            }
            for (JsonNode pattern : json.get()) {
                if (!pattern.isArray()) {
                    throw new ConfigException("policy.commands: " + pattern + " (expected: a list of strings)");
                }
                List<String> argv = new ArrayList<>();
                pattern.forEach(element -> argv.add(element.asText()));
                commands.add(argv);
            }
        }
        try {
            return new PolicyRules(v.strings("policy.containers"), commands,
                TtyRule.parse(v.string("policy.tty").orElse("any")), v.strings("policy.users"),
                v.bool("policy.allowDefaultUser"), v.strings("policy.envKeys"));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("policy." + e.getMessage());
        }
    }
}
