package io.execbroker.broker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS to clients ({@code wss://}). Immutable.
 *
 * @param certFile the broker's certificate in PEM, its chain after it
 * @param keyFile the certificate's private key in PEM (PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted)
 * @param clientCaFile when set, clients must present a certificate signed by one of these CAs (PEM)
 * @param reloadInterval how often the files are checked for a replaced certificate; zero: never (a certificate
 *     renewed on disk is then only taken by a restart)
 */
public record TlsSettings(Path certFile, Path keyFile, Optional<Path> clientCaFile, Duration reloadInterval) {
    /** Files are checked this often by default: a renewed certificate is served within it. */
    public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(10);

    public TlsSettings {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        Objects.requireNonNull(clientCaFile, "clientCaFile");
        if (reloadInterval == null || reloadInterval.isNegative()) {
            throw new IllegalArgumentException("tls.reloadSeconds: " + reloadInterval + " (expected: >= 0)");
        }
    }

    /** With the default reload interval and no client certificates. */
    public static TlsSettings of(Path certFile, Path keyFile) {
        return new TlsSettings(certFile, keyFile, Optional.empty(), DEFAULT_RELOAD_INTERVAL);
    }

    public TlsSettings withClientCaFile(Path file) {
        return new TlsSettings(certFile, keyFile, Optional.of(file), reloadInterval);
    }

    public TlsSettings withReloadInterval(Duration interval) {
        return new TlsSettings(certFile, keyFile, clientCaFile, interval);
    }
}
