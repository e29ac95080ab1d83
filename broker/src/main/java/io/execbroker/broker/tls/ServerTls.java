package io.execbroker.broker.tls;

import io.execbroker.broker.config.ConfigException;
import io.execbroker.broker.config.TlsSettings;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.TrustOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * The broker's TLS material as read from its files at one moment, checked: the certificate chain, its private key
 * (which must match it), and the client CAs if client certificates are required. TLS 1.2 and 1.3 only. Loading
 * reads files and so blocks: do it at start or on a worker. Immutable.
 */
public final class ServerTls {
    /** The protocols offered to clients: nothing older than TLS 1.2. */
    public static final Set<String> PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    private static final char[] NO_PASSWORD = new char[0];

    private final TlsSettings settings;
    private final byte[] certPem;
    private final byte[] keyPem;
    private final byte[] clientCaPem;
    private final X509Certificate leaf;
    private final KeyManagerFactory keys;
    private final TrustManagerFactory clientCas;

    private ServerTls(TlsSettings settings, byte[] certPem, byte[] keyPem, byte[] clientCaPem, X509Certificate leaf,
                      KeyManagerFactory keys, TrustManagerFactory clientCas) {
        this.settings = settings;
        this.certPem = certPem;
        this.keyPem = keyPem;
        this.clientCaPem = clientCaPem;
        this.leaf = leaf;
        this.keys = keys;
        this.clientCas = clientCas;
    }

    /**
     * Reads and checks the files of {@code settings}. Blocks.
     *
     * @throws ConfigException naming the key, the file and what is wrong with it
     */
    public static ServerTls load(TlsSettings settings) throws ConfigException {
        byte[] certPem = read("tls.certFile", settings.certFile());
        byte[] keyPem = read("tls.keyFile", settings.keyFile());
        byte[] caPem = settings.clientCaFile().isPresent() ? read("tls.clientCaFile", settings.clientCaFile().get()) : null;
        List<X509Certificate> chain = PemFiles.certificates("tls.certFile", settings.certFile(), certPem);
        PrivateKey key = PemFiles.privateKey("tls.keyFile", settings.keyFile(), keyPem);
        PemFiles.checkPair(settings.keyFile(), key, settings.certFile(), chain.get(0));
        try {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(null, null);
            keyStore.setKeyEntry("broker", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keyStore, NO_PASSWORD);
            TrustManagerFactory cas = null;
            if (caPem != null) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                int n = 0;
                for (X509Certificate ca : PemFiles.certificates("tls.clientCaFile", settings.clientCaFile().get(), caPem)) {
                    trusted.setCertificateEntry("ca-" + n++, ca);
                }
                cas = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                cas.init(trusted);
            }
            return new ServerTls(settings, certPem, keyPem, caPem, chain.get(0), keys, cas);
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("tls.certFile: " + settings.certFile() + ": cannot use the certificate and key ("
                + e.getMessage() + ")");
        }
    }

    private static byte[] read(String key, Path file) throws ConfigException {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new ConfigException(key + ": " + file + ": cannot read it (" + e + ")");
        }
    }

    /** Returns true if the files held what they hold now: reading them again would change nothing. */
    boolean sameFilesAs(ServerTls other) {
        return Arrays.equals(certPem, other.certPem) && Arrays.equals(keyPem, other.keyPem)
            && Arrays.equals(clientCaPem, other.clientCaPem);
    }

    public TlsSettings settings() {
        return settings;
    }

    /** Returns the broker's own certificate, for logs: subject, serial, expiry. */
    public X509Certificate certificate() {
        return leaf;
    }

    /** Returns one line about the certificate, like {@code CN=broker, serial 1a2b, valid until 2027-01-01T00:00:00Z}. */
    public String describe() {
        return leaf.getSubjectX500Principal() + ", serial " + leaf.getSerialNumber().toString(16) + ", valid until "
            + leaf.getNotAfter().toInstant();
    }

    /** Sets TLS on {@code options}: this material, TLS 1.2+, and client certificates if required. */
    public HttpServerOptions applyTo(HttpServerOptions options) {
        options.setSsl(true)
            .setKeyCertOptions(KeyCertOptions.wrap(keys))
            .setEnabledSecureTransportProtocols(PROTOCOLS);
        if (clientCas != null) {
            options.setTrustOptions(TrustOptions.wrap(clientCas)).setClientAuth(ClientAuth.REQUIRED);
        }
        return options;
    }

    /** Returns the same settings as {@link #applyTo}, for {@code HttpServer.updateSSLOptions}. */
    public ServerSSLOptions sslOptions() {
        ServerSSLOptions options = new ServerSSLOptions()
            .setKeyCertOptions(KeyCertOptions.wrap(keys))
            .setEnabledSecureTransportProtocols(PROTOCOLS);
        if (clientCas != null) {
            options.setTrustOptions(TrustOptions.wrap(clientCas)).setClientAuth(ClientAuth.REQUIRED);
        }
        return options;
    }

    /** Returns whether clients must present a certificate. */
    public Optional<Path> clientCaFile() {
        return settings.clientCaFile();
    }
}
