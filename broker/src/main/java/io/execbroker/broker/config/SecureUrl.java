package io.execbroker.broker.config;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Refuses a plain {@code http} URL for a source of grants or keys unless it stays on this machine: anyone on the
 * path of a plain http call can answer it, and so forge a grant (controller mode) or swap the keys that verify
 * tokens (a JWKS). Loopback means {@code localhost} or a literal loopback address ({@code 127.0.0.0/8},
 * {@code ::1}); no name is looked up.
 */
final class SecureUrl {
    private static final Pattern LOOPBACK_V4 = Pattern.compile("127(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");

    private SecureUrl() {
    }

    /**
     * @throws ConfigException naming {@code key} if {@code url} is plain http to a host other than loopback and
     *     {@code allowed} is false
     */
    static void check(String key, URI url, boolean allowed) throws ConfigException {
        if (allowed || !"http".equalsIgnoreCase(url.getScheme()) || isLoopback(url.getHost())) {
            return;
        }
        String allowKey = key.substring(0, key.indexOf('.')) + ".allowInsecureHttp";
        throw new ConfigException(key + ": " + url.getScheme() + "://" + url.getHost() + " is plain http to a host "
            + "other than loopback (expected: https, so nobody on the path can " + (key.startsWith("jwt")
            ? "swap the keys" : "forge grants") + "; or set " + allowKey + " to true if the path is trusted)");
    }

    static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.equals("[::1]") || h.equals("::1") || LOOPBACK_V4.matcher(h).matches();
    }
}
