package io.execbroker.protocol.client;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Trust for {@code wss://} brokers whose certificate a private CA signed: an {@link SSLContext} that trusts the CA
 * certificates of one PEM file (and nothing else), with the JDK's hostname verification, for
 * {@link ExecClient.Options#httpClient}.
 *
 * <pre>{@code
 * ExecClient.Options options = ExecClient.Options.defaults()
 *     .httpClient(PemTrust.httpClient(Path.of("ca.pem"), Duration.ofSeconds(10)));
 * }</pre>
 */
public final class PemTrust {
    private PemTrust() {
    }

    /**
     * Returns a TLS context trusting the certificates of {@code caFile}.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or holds no certificate
     */
    public static SSLContext sslContext(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (cas.isEmpty()) {
                throw new IllegalArgumentException(caFile + ": no certificate in it (expected: PEM, "
                    + "-----BEGIN CERTIFICATE-----)");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (Certificate ca : cas) {
                store.setCertificateEntry("ca-" + n++, ca);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new IllegalArgumentException(caFile + ": cannot read it (" + e + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(caFile + ": not PEM CA certificates (" + e.getMessage() + ")", e);
        }
    }

    /** Returns a JDK client trusting only the CAs of {@code caFile}. */
    public static HttpClient httpClient(Path caFile, Duration connectTimeout) {
        return HttpClient.newBuilder().sslContext(sslContext(caFile)).connectTimeout(connectTimeout).build();
    }
}
