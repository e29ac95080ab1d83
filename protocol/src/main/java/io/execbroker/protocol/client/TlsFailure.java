package io.execbroker.protocol.client;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

/** Says why a TLS handshake with a broker failed, naming the side: the broker's certificate, or this client's. */
public final class TlsFailure {
    private TlsFailure() {
    }

    /**
     * Returns a message like {@code TLS handshake with the broker failed: the broker's certificate is not trusted
     * (PKIX path building failed: ...)} when {@code failure} or one of its causes is a TLS failure; null otherwise.
     */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException ssl) {
                return "TLS handshake with the broker failed: " + reason(ssl);
            }
        }
        return null;
    }

    private static String reason(SSLException ssl) {
        String text = String.valueOf(ssl.getMessage());
        if (text.contains("PKIX") || text.contains("unable to find valid certification path")) {
            return "the broker's certificate is not trusted (" + text + ")";
        }
        if (text.contains("No subject alternative") || text.contains("No name matching")) {
            return "the broker's certificate does not name the host connected to (" + text + ")";
        }
        if (text.contains("certificate_required") || text.contains("bad_certificate") || text.contains("unknown_ca")) {
            return "the broker refused this client's certificate, or wants one (" + text + ")";
        }
        return (ssl instanceof SSLHandshakeException ? "" : ssl.getClass().getSimpleName() + ": ") + text;
    }
}
