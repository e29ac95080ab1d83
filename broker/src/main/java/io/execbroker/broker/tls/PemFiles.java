package io.execbroker.broker.tls;

import io.execbroker.broker.config.ConfigException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * Reads PEM certificates and private keys, and says exactly what is wrong with a bad one: every message starts
 * with the key and the file, like {@code tls.keyFile: /etc/b/key.pem: does not match the certificate of
 * tls.certFile}. Messages never hold key material. Stateless.
 */
final class PemFiles {
    private static final byte[] PROBE = "exec-broker key check".getBytes(StandardCharsets.US_ASCII);

    private PemFiles() {
    }

    /** Returns the certificates of a PEM file, at least one, each within its validity period. */
    static List<X509Certificate> certificates(String key, Path file, byte[] pem) throws ConfigException {
        List<X509Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem))
                .stream().map(X509Certificate.class::cast).toList();
        } catch (CertificateException e) {
            throw new ConfigException(key + ": " + file + ": not a PEM certificate (" + e.getMessage() + ")");
        }
        if (certs.isEmpty()) {
            throw new ConfigException(key + ": " + file + ": no certificate in it (expected: -----BEGIN CERTIFICATE-----)");
        }
        for (X509Certificate cert : certs) {
            try {
                cert.checkValidity();
            } catch (CertificateException e) {
                throw new ConfigException(key + ": " + file + ": the certificate for " + cert.getSubjectX500Principal()
                    + " is not valid now (valid " + cert.getNotBefore().toInstant() + " to "
                    + cert.getNotAfter().toInstant() + ")");
            }
        }
        return certs;
    }

    /** Returns the private key of a PEM file. */
    static PrivateKey privateKey(String key, Path file, byte[] pem) throws ConfigException {
        Object parsed;
        try (PEMParser parser = new PEMParser(new StringReader(new String(pem, StandardCharsets.US_ASCII)))) {
            parsed = parser.readObject();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(key + ": " + file + ": not a PEM private key (" + e.getMessage() + ")");
        }
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (parsed instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (parsed instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
        } catch (IOException e) {
            throw new ConfigException(key + ": " + file + ": cannot read the private key (" + e.getMessage() + ")");
        }
        if (parsed instanceof PEMEncryptedKeyPair || parsed instanceof PKCS8EncryptedPrivateKeyInfo) {
            throw new ConfigException(key + ": " + file + ": the private key is encrypted (expected: an unencrypted "
                + "key, like openssl pkey -in key.pem -out plain.pem writes)");
        }
        throw new ConfigException(key + ": " + file + ": no private key in it (expected: -----BEGIN PRIVATE KEY-----, "
            + "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    }

    /** Checks that {@code privateKey} belongs to {@code cert}: a signature by the key verifies with the certificate. */
    static void checkPair(Path keyFile, PrivateKey privateKey, Path certFile, X509Certificate cert) throws ConfigException {
        String algorithm = switch (privateKey.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> privateKey.getAlgorithm(); // Ed25519, Ed448
        };
        boolean matches;
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(PROBE);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(PROBE);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new ConfigException("tls.keyFile: " + keyFile + ": does not match the certificate of tls.certFile "
                + certFile + " (" + cert.getSubjectX500Principal() + ")");
        }
    }
}
