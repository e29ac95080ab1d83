package io.execbroker.broker.config;

import io.execbroker.broker.policy.PolicyRules;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the broker listens and the bounds of its sessions. Immutable.
 *
 * @param host the address to listen on, like {@code 127.0.0.1}
 * @param port the port, 0 for any free one
 * @param path the WebSocket path of exec sessions, like {@code /exec}
 * @param limits the session limits
 * @param handshake the checks before authorization: origins, rate, token sources
 * @param policy the broker's own rules every grant must pass
 * @param events the watches of Docker events
 * @param tls TLS to clients, if {@code wss://}
 */
public record BrokerSettings(String host, int port, String path, SessionLimits limits, HandshakeSettings handshake,
                             PolicyRules policy, EventSettings events, Optional<TlsSettings> tls) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8866;
    public static final String DEFAULT_PATH = "/exec";

    public BrokerSettings {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path: " + path + " (expected: starts with /)");
        }
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(handshake, "handshake");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(events, "events");
        Objects.requireNonNull(tls, "tls");
        if (events.path().equals(path)) {
            throw new IllegalArgumentException("eventsPath: " + events.path() + " (expected: not the exec path)");
        }
    }

    /** Without TLS. */
    public BrokerSettings(String host, int port, String path, SessionLimits limits, HandshakeSettings handshake,
                          PolicyRules policy, EventSettings events) {
        this(host, port, path, limits, handshake, policy, events, Optional.empty());
    }

    /** With the default watches of Docker events, without TLS. */
    public BrokerSettings(String host, int port, String path, SessionLimits limits, HandshakeSettings handshake,
                          PolicyRules policy) {
        this(host, port, path, limits, handshake, policy, EventSettings.DEFAULTS);
    }

    /** Returns the defaults: {@code 127.0.0.1:8866}, path {@code /exec}, default limits. */
    public static BrokerSettings defaults() {
        return new BrokerSettings(DEFAULT_HOST, DEFAULT_PORT, DEFAULT_PATH, SessionLimits.DEFAULTS,
            HandshakeSettings.DEFAULTS, PolicyRules.ALLOW_ALL);
    }

    public BrokerSettings withPort(int newPort) {
        return new BrokerSettings(host, newPort, path, limits, handshake, policy, events, tls);
    }

    public BrokerSettings withLimits(SessionLimits newLimits) {
        return new BrokerSettings(host, port, path, newLimits, handshake, policy, events, tls);
    }

    public BrokerSettings withHandshake(HandshakeSettings newHandshake) {
        return new BrokerSettings(host, port, path, limits, newHandshake, policy, events, tls);
    }

    public BrokerSettings withPolicy(PolicyRules newPolicy) {
        return new BrokerSettings(host, port, path, limits, handshake, newPolicy, events, tls);
    }

    public BrokerSettings withEvents(EventSettings newEvents) {
        return new BrokerSettings(host, port, path, limits, handshake, policy, newEvents, tls);
    }

    /** With TLS to clients. */
    public BrokerSettings withTls(TlsSettings newTls) {
        return new BrokerSettings(host, port, path, limits, handshake, policy, events, Optional.of(newTls));
    }
}
