package io.execbroker.sample.browser;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The broker's test certificates, made in the JVM (BouncyCastle), EC P-256: a CA and a server certificate it signs for
 * 127.0.0.1 and localhost, valid for two days. The part of the broker's {@code testing.TestCertificates} that a
 * browser test needs (this module cannot see the broker's test classes). Thread safe.
 */
final class TestCertificates {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    /** A certificate and its key pair. */
    record Issued(X509Certificate cert, KeyPair keys) {
        /** Writes the certificate to {@code file} in PEM. */
        Path writeCert(Path file) throws IOException {
            StringWriter out = new StringWriter();
            try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
                writer.writeObject(cert);
            }
            return Files.writeString(file, out.toString(), StandardCharsets.US_ASCII);
        }

        /** Writes the private key to {@code file} in PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), as openssl does. */
        Path writeKey(Path file) throws IOException {
            return Files.writeString(file, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        }

        /**
         * Returns base64(SHA-256(SubjectPublicKeyInfo)) of the certificate's key, the pin that Chromium's
         * {@code --ignore-certificate-errors-spki-list} takes (and {@code openssl x509 -pubkey | openssl pkey -pubin
         * -outform der | openssl dgst -sha256 -binary | base64} prints).
         */
        String spkiSha256() {
            try {
                // getEncoded() of a public key is its X.509 SubjectPublicKeyInfo, DER.
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getPublicKey().getEncoded());
                return Base64.getEncoder().encodeToString(digest);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("no SHA-256", e);
            }
        }
    }

    /** Returns a new self-signed CA named {@code cn}. */
    static Issued ca(String cn) {
        KeyPair keys = keyPair();
        X500Name name = new X500Name("CN=" + cn);
        return sign(name, keys, name, keys, true);
    }

    /** Returns a server certificate for 127.0.0.1 (IP) and localhost (DNS) named {@code cn}, signed by {@code ca}. */
    static Issued server(Issued ca, String cn) {
        X500Name issuer = X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded());
        return sign(new X500Name("CN=" + cn), keyPair(), issuer, ca.keys(), false);
    }

    private static Issued sign(X500Name subject, KeyPair keys, X500Name issuer, KeyPair issuerKeys, boolean isCa) {
        Instant notBefore = Instant.now().minus(Duration.ofHours(1));
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore),
                Date.from(notBefore.plus(Duration.ofDays(2))), subject, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (isCa) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
            return new Issued(cert, keys);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test key", e);
        }
    }
}
