package io.execbroker.broker.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
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
 * Test certificates made in the JVM (BouncyCastle): a CA, and server or client certificates it signs, EC P-256,
 * written as PEM files. A server certificate names 127.0.0.1 and localhost. Serial numbers count up, so a test can
 * tell two certificates apart. Thread safe.
 */
public final class TestCertificates {
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis());
    private static final SecureRandom RANDOM = new SecureRandom();

    private TestCertificates() {
    }

    /** A certificate and its key pair. */
    public record Issued(X509Certificate cert, KeyPair keys) {
        /** Returns the serial number, to tell certificates apart. */
        public BigInteger serial() {
            return cert.getSerialNumber();
        }

        /** Writes the certificate to {@code file} in PEM, atomically (a temp file moved over it). */
        public Path writeCert(Path file) {
            return write(file, pem(cert));
        }

        /** Writes the private key to {@code file} in PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), atomically. */
        public Path writeKey(Path file) {
            // The JDK's own PKCS#8 encoding, as openssl writes it (with the curve in the algorithm identifier).
            return write(file, "-----BEGIN PRIVATE KEY-----\n" + java.util.Base64.getMimeEncoder(64,
                new byte[] {'\n'}).encodeToString(keys.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n");
        }

        /** Writes an RSA key in PKCS#1 PEM ({@code BEGIN RSA PRIVATE KEY}), as docker's documentation makes them. */
        public Path writeKeyPkcs1(Path file) {
            return write(file, pem(keys));
        }
    }

    /** Returns a new self-signed CA named {@code cn}. */
    public static Issued ca(String cn) {
        KeyPair keys = keyPair();
        X500Name name = new X500Name("CN=" + cn);
        return sign(name, keys, name, keys, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(2), true, null);
    }

    /** Returns a server certificate for 127.0.0.1 and localhost signed by {@code ca}, valid for two days. */
    public static Issued server(Issued ca, String cn) {
        return server(ca, cn, Instant.now().minus(Duration.ofHours(1)), Duration.ofDays(2));
    }

    /** Returns a server certificate valid from {@code notBefore} for {@code validity}, like one that has expired. */
    public static Issued server(Issued ca, String cn, Instant notBefore, Duration validity) {
        return sign(new X500Name("CN=" + cn), keyPair(), issuer(ca), ca.keys(), notBefore, validity, false,
            KeyPurposeId.id_kp_serverAuth);
    }

    /** Returns a client certificate signed by {@code ca}. */
    public static Issued client(Issued ca, String cn) {
        return client(ca, cn, keyPair());
    }

    /** Returns a client certificate with an RSA key, as docker-java needs in DOCKER_CERT_PATH (it reads no EC key). */
    public static Issued rsaClient(Issued ca, String cn) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return client(ca, cn, generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a test key", e);
        }
    }

    private static Issued client(Issued ca, String cn, KeyPair keys) {
        return sign(new X500Name("CN=" + cn), keys, issuer(ca), ca.keys(), Instant.now().minus(Duration.ofHours(1)),
            Duration.ofDays(2), false, KeyPurposeId.id_kp_clientAuth);
    }

    private static X500Name issuer(Issued ca) {
        return X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded());
    }

    private static Issued sign(X500Name subject, KeyPair keys, X500Name issuer, KeyPair issuerKeys, Instant notBefore,
                               Duration validity, boolean isCa, KeyPurposeId purpose) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(notBefore), Date.from(notBefore.plus(validity)),
                subject, keys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (isCa) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            if (purpose == KeyPurposeId.id_kp_serverAuth) {
                builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
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

    /** Returns an object in PEM. */
    public static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Path write(Path file, String text) {
        try {
            Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".pem-", ".tmp");
            Files.writeString(temp, text, StandardCharsets.US_ASCII);
            return Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
