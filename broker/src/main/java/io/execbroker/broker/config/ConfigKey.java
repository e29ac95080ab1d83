package io.execbroker.broker.config;

import java.util.List;
import java.util.Locale;

/**
 * Every setting of the broker, in one list: its path in the config file, its type, its default and what it is
 * for. The loader, the environment overrides ({@code EXEC_BROKER_…}) and docs/configuration.md all come from it,
 * so none of them can forget a key.
 *
 * @param path the dotted path in the file, like {@code limits.maxSessions}
 * @param type what the value must be
 * @param defaultValue the default as text, or null when there is none
 * @param doc one line on what it does and why
 */
public record ConfigKey(String path, Type type, String defaultValue, String doc) {
    /** The kinds of values. */
    public enum Type { STRING, INT, DECIMAL, BOOLEAN, SECONDS, STRINGS, FILE, URL, JSON }

    public static final List<ConfigKey> ALL = List.of(
        new ConfigKey("listen", Type.STRING, "127.0.0.1:8866", "HOST:PORT to listen on."),
        new ConfigKey("ops.listen", Type.STRING, "127.0.0.1:9866",
            "HOST:PORT of /metrics, /healthz and /readyz, apart from the WebSocket port; off for none."),
        new ConfigKey("broker.id", Type.STRING, null,
            "This broker's name in its fleet (default: the host name): sent to the controller as X-Exec-Broker-Id,"
                + " and the JWT aud it requires unless jwt.audience is set."),
        new ConfigKey("broker.publicUrl", Type.STRING, null,
            "The ws:// or wss:// URL clients reach this broker at, for the start line and /healthz."),
        new ConfigKey("path", Type.STRING, "/exec", "The WebSocket path of exec sessions."),
        new ConfigKey("eventsPath", Type.STRING, "/events", "The WebSocket path of Docker events watches."),
        new ConfigKey("events.maxWatchers", Type.INT, "1000", "Watches at once; past it 503 before the upgrade."),
        new ConfigKey("events.queueBytes", Type.INT, "262144",
            "Events queued to one watcher; a watcher whose queue fills is closed with 4003."),
        new ConfigKey("events.maxWatchersPerSubject", Type.INT, "10", "Watches one subject may hold; past it 429."),
        new ConfigKey("tls.certFile", Type.FILE, null,
            "TLS to clients (wss://): the broker's certificate in PEM, its chain after it; set with tls.keyFile."),
        new ConfigKey("tls.keyFile", Type.FILE, null,
            "The private key of tls.certFile in PEM (PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted)."),
        new ConfigKey("tls.clientCaFile", Type.FILE, null,
            "CA certificates in PEM; when set, clients must present a certificate signed by one of them."),
        new ConfigKey("tls.reloadSeconds", Type.SECONDS, "10",
            "How often the TLS files are checked; a replaced certificate is served to new connections; 0: never."),
        new ConfigKey("defaultContainer", Type.STRING, null,
            "The container of grants that name none (the ws-subprocess form)."),
        new ConfigKey("controller.url", Type.URL, null,
            "Controller mode: the URL the broker asks what a token grants (GET URL?token=...)."),
        new ConfigKey("controller.secretFile", Type.FILE, null,
            "A file with the secret sent to the controller as Authorization: Bearer."),
        new ConfigKey("controller.timeoutSeconds", Type.SECONDS, "5", "Bounds a controller call (then 504)."),
        new ConfigKey("controller.maxBodyBytes", Type.INT, "65536", "Bounds a controller answer (then 502)."),
        new ConfigKey("controller.maxInFlight", Type.INT, "64", "Controller calls at once; past it 503."),
        new ConfigKey("controller.allowInsecureHttp", Type.BOOLEAN, "false",
            "Allow a plain http controller.url on a host other than loopback (anyone on the path could forge grants)."),
        new ConfigKey("jwt.secretFile", Type.FILE, null, "JWT mode: a file with the HMAC secret (HS256/384/512)."),
        new ConfigKey("jwt.secretEnv", Type.STRING, null,
            "JWT mode: the name of an environment variable holding the HMAC secret."),
        new ConfigKey("jwt.publicKeyFile", Type.FILE, null, "JWT mode: an RSA or EC public key in PEM."),
        new ConfigKey("jwt.jwksUrl", Type.URL, null, "JWT mode: a JWKS URL; keys are cached by kid."),
        new ConfigKey("jwt.jwksMaxAgeSeconds", Type.SECONDS, "300",
            "How long fetched JWKS keys are used; a key removed from the set stops working within it."),
        new ConfigKey("jwt.allowInsecureHttp", Type.BOOLEAN, "false",
            "Allow a plain http jwt.jwksUrl on a host other than loopback (anyone on the path could swap the keys)."),
        new ConfigKey("jwt.issuer", Type.STRING, null, "The required iss claim, if set."),
        new ConfigKey("jwt.audience", Type.STRING, null,
            "The aud a token must carry, when it names a fleet rather than this broker (default: broker.id)."),
        new ConfigKey("jwt.leewaySeconds", Type.SECONDS, "30", "Clock skew allowed on exp, nbf and iat."),
        new ConfigKey("jwt.singleUseJti", Type.BOOLEAN, "true", "Refuse a token whose jti was seen before."),
        new ConfigKey("jwt.maxLifetimeSeconds", Type.SECONDS, "3600",
            "Refuse a token whose exp is further away than this (beyond the leeway)."),
        new ConfigKey("origins", Type.STRINGS, "", "Browser origins allowed to connect; * allows any."),
        new ConfigKey("queryToken", Type.BOOLEAN, "true", "Accept ?token= (turn off to keep tokens out of URLs)."),
        new ConfigKey("limits.maxSessions", Type.INT, "100",
            "Sessions at once, each counted until its process is gone (or its teardown gives up, unconfirmed); past it"
                + " 503 before the upgrade."),
        new ConfigKey("limits.maxSessionsPerSubject", Type.INT, "10", "Sessions one subject may hold; past it 429."),
        new ConfigKey("limits.handshakesPerSecond", Type.DECIMAL, "10", "Per client IP; past the burst 429."),
        new ConfigKey("limits.handshakeBurst", Type.INT, "20", "Handshakes one IP may make at once."),
        new ConfigKey("limits.handshakeIdleSeconds", Type.SECONDS, "60",
            "A connection with no byte in or out this long before its upgrade is closed (a stalled request); 0: off."),
        new ConfigKey("limits.maxMessageBytes", Type.INT, "1048576", "Largest client message; past it close 1009."),
        new ConfigKey("limits.outputQueueBytes", Type.INT, "1048576",
            "Output queued to one client before the broker stops reading Docker."),
        new ConfigKey("limits.pendingStdinBytes", Type.INT, "1048576",
            "Stdin kept before the process starts, and Docker's stdin queue."),
        new ConfigKey("limits.idleTimeoutSeconds", Type.SECONDS, "1800", "No traffic this long: close 4000."),
        new ConfigKey("limits.maxDurationSeconds", Type.SECONDS, "43200", "A session this old: close 4001."),
        new ConfigKey("limits.killGraceSeconds", Type.SECONDS, "2", "Between TERM and KILL at teardown."),
        new ConfigKey("limits.pingIntervalSeconds", Type.SECONDS, "30", "WebSocket pings to find dead peers; 0: off."),
        new ConfigKey("policy.containers", Type.STRINGS, "",
            "Allowed containers: names, globs (web-*), label:key or label:key=value, matched on Docker's real name."),
        new ConfigKey("policy.commands", Type.JSON, "",
            "Allowed argv patterns, a list of lists: [[\"ps\",\"aux\"],[\"cat\",\"/var/log/*\"],[\"/bin/sh\",\"**\"]]."),
        new ConfigKey("policy.tty", Type.STRING, "any", "any, true (tty required) or false (tty refused)."),
        new ConfigKey("policy.users", Type.STRINGS, "", "Allowed exec users, exactly as written (1000, app:app)."),
        new ConfigKey("policy.allowDefaultUser", Type.BOOLEAN, "true",
            "Allow grants that name no user (the image's default user, perhaps root)."),
        new ConfigKey("policy.envKeys", Type.STRINGS, "", "Allowed env keys, names or globs; set it with commands."),
        new ConfigKey("audit.log", Type.STRING, "-", "Audit records, one JSON line each: a file, or - for stdout."));

    /** Returns the environment variable that overrides this key, like {@code EXEC_BROKER_LIMITS_MAX_SESSIONS}. */
    public String envName() {
        return "EXEC_BROKER_" + path.replace('.', '_').replaceAll("([a-z0-9])([A-Z])", "$1_$2").toUpperCase(Locale.ROOT);
    }

    /** Returns the key at {@code path}. */
    public static ConfigKey of(String path) {
        return ALL.stream().filter(k -> k.path.equals(path)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no config key " + path));
    }
}
