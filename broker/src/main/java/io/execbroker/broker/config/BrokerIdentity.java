package io.execbroker.broker.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which broker of a fleet this is (one broker per Docker host): its id, sent to the controller with every question
 * ({@code X-Exec-Broker-Id}) and, unless {@code jwt.audience} names a fleet, the {@code aud} a JWT must carry, so
 * that a token minted for one broker is refused by every other; and the URL its clients reach it at, if told.
 *
 * @param id {@code broker.id}: letters, digits, {@code .}, {@code _} and {@code -}, at most 253 characters (a DNS
 *           name fits); the host name by default
 * @param publicUrl {@code broker.publicUrl}: a {@code ws://} or {@code wss://} URL, for logs and the probes
 */
public record BrokerIdentity(String id, Optional<URI> publicUrl) {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,252}");

    public BrokerIdentity {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(publicUrl, "publicUrl");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("broker.id: " + shown(id) + " (expected: letters, digits, '.', '_' or"
                + " '-', starting with a letter or digit, at most 253 characters)");
        }
    }

    /** Reads {@code broker.id} (default: this host's name) and {@code broker.publicUrl}. */
    static BrokerIdentity from(ConfigValues v) throws ConfigException {
        String id = v.string("broker.id").orElseGet(BrokerIdentity::hostName);
        Optional<URI> url = Optional.empty();
        Optional<String> written = v.string("broker.publicUrl");
        if (written.isPresent()) {
            try {
                URI uri = new URI(written.get());
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("ws") && !scheme.equals("wss") || uri.getHost() == null) {
                    throw new java.net.URISyntaxException(written.get(), "not a ws or wss URL");
                }
                url = Optional.of(uri);
            } catch (java.net.URISyntaxException e) {
                throw new ConfigException("broker.publicUrl: " + shown(written.get())
                    + " (expected: the ws:// or wss:// URL clients reach this broker at, like wss://host-1.example:8866)");
            }
        }
        try {
            return new BrokerIdentity(id, url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /**
     * This host's name, as {@code hostname} prints it (on Kubernetes the pod's name; give a DaemonSet's brokers
     * the node's name with {@code EXEC_BROKER_BROKER_ID} from {@code spec.nodeName}).
     */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && ID.matcher(env).matches()) {
            return env;
        }
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return ID.matcher(name).matches() ? name : "exec-broker";
        } catch (UnknownHostException e) {
            return "exec-broker";
        }
    }

    private static String shown(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) + "..." : value;
        return cut.codePoints().collect(StringBuilder::new,
            (out, c) -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c), StringBuilder::append).toString();
    }
}
