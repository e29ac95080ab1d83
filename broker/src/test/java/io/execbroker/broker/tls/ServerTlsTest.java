package io.execbroker.broker.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.execbroker.broker.config.ConfigException;
import io.execbroker.broker.config.TlsSettings;
import io.execbroker.broker.testing.TestCertificates;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
    private static final TestCertificates.Issued CA = TestCertificates.ca("test CA");

    @TempDir
    Path dir;

    @Test
    void loadsACertificateWithItsKeyInPkcs8OrPkcs1() throws Exception {
        TestCertificates.Issued server = TestCertificates.server(CA, "broker");
        Path cert = server.writeCert(dir.resolve("cert.pem"));
        ServerTls pkcs8 = ServerTls.load(TlsSettings.of(cert, server.writeKey(dir.resolve("key8.pem"))));
        TestCertificates.Issued rsa = TestCertificates.rsaClient(CA, "rsa");
        ServerTls pkcs1 = ServerTls.load(TlsSettings.of(rsa.writeCert(dir.resolve("rsa.pem")),
            rsa.writeKeyPkcs1(dir.resolve("rsa-key.pem"))));
        assertThat(Files.readString(dir.resolve("rsa-key.pem"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(pkcs1.certificate().getSerialNumber()).isEqualTo(rsa.serial());
        assertThat(pkcs8.describe()).startsWith("CN=broker, serial " + server.serial().toString(16) + ", valid until ");
        assertThat(pkcs8.sslOptions().getEnabledSecureTransportProtocols()).containsExactlyInAnyOrder("TLSv1.2", "TLSv1.3");
    }

    @Test
    void certificateFileWithoutACertificateIsNamedWithTheReason() throws Exception {
        Path cert = Files.writeString(dir.resolve("cert.pem"), "not a certificate\n");
        Path key = TestCertificates.server(CA, "broker").writeKey(dir.resolve("key.pem"));
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(cert, key))).isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("tls.certFile: " + cert + ": ");
    }

    @Test
    void keyFileWithoutAKeyIsNamedWithTheReason() throws Exception {
        TestCertificates.Issued server = TestCertificates.server(CA, "broker");
        Path cert = server.writeCert(dir.resolve("cert.pem"));
        Path key = server.writeCert(dir.resolve("key.pem"));
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(cert, key))).isInstanceOf(ConfigException.class)
            .hasMessage("tls.keyFile: " + key + ": no private key in it (expected: -----BEGIN PRIVATE KEY-----, "
                + "-----BEGIN RSA PRIVATE KEY----- or -----BEGIN EC PRIVATE KEY-----)");
    }

    @Test
    void keyOfAnotherCertificateIsRefused() {
        Path cert = TestCertificates.server(CA, "broker").writeCert(dir.resolve("cert.pem"));
        Path key = TestCertificates.server(CA, "other").writeKey(dir.resolve("key.pem"));
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(cert, key))).isInstanceOf(ConfigException.class)
            .hasMessage("tls.keyFile: " + key + ": does not match the certificate of tls.certFile " + cert
                + " (CN=broker)");
    }

    @Test
    void expiredCertificateIsRefusedWithItsDates() {
        TestCertificates.Issued old = TestCertificates.server(CA, "old", Instant.now().minus(Duration.ofDays(3)),
            Duration.ofDays(1));
        Path cert = old.writeCert(dir.resolve("cert.pem"));
        Path key = old.writeKey(dir.resolve("key.pem"));
        assertThatThrownBy(() -> ServerTls.load(TlsSettings.of(cert, key))).isInstanceOf(ConfigException.class)
            .hasMessageStartingWith("tls.certFile: " + cert + ": the certificate for CN=old is not valid now (valid ");
    }

    @Test
    void clientCaFileWithoutACertificateIsNamed() throws Exception {
        TestCertificates.Issued server = TestCertificates.server(CA, "broker");
        Path cas = Files.writeString(dir.resolve("cas.pem"), "");
        TlsSettings settings = TlsSettings.of(server.writeCert(dir.resolve("cert.pem")),
            server.writeKey(dir.resolve("key.pem"))).withClientCaFile(cas);
        assertThatThrownBy(() -> ServerTls.load(settings)).isInstanceOf(ConfigException.class)
            .hasMessage("tls.clientCaFile: " + cas + ": no certificate in it (expected: -----BEGIN CERTIFICATE-----)");
    }

    @Test
    void sameFilesAreSeenAsUnchangedAndANewCertificateAsChanged() throws Exception {
        TestCertificates.Issued first = TestCertificates.server(CA, "broker");
        TlsSettings settings = TlsSettings.of(first.writeCert(dir.resolve("cert.pem")), first.writeKey(dir.resolve("key.pem")));
        ServerTls loaded = ServerTls.load(settings);
        assertThat(ServerTls.load(settings).sameFilesAs(loaded)).isTrue();
        TestCertificates.Issued second = TestCertificates.server(CA, "broker");
        second.writeKey(dir.resolve("key.pem"));
        second.writeCert(dir.resolve("cert.pem"));
        assertThat(ServerTls.load(settings).sameFilesAs(loaded)).isFalse();
    }
}
