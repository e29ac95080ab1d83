package io.execbroker.broker.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.TlsSettings;
import io.execbroker.broker.docker.DockerClients;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.RawWebSocket;
import io.execbroker.broker.testing.TestCertificates;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.client.PemTrust;

import java.math.BigInteger;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker serving {@code wss://} with certificates the test makes ({@link TestCertificates}), on the real Docker
 * engine: the Java client, mutual TLS, a certificate replaced on disk, and the {@code exec} command of the jar with
 * and without {@code --ca-file}.
 */
@Timeout(120)
class ClientTlsIT {
    private static final Path JAR = Path.of("target", "exec-broker.jar");
    private static final TestCertificates.Issued CA = TestCertificates.ca("exec-broker test CA");

    @TempDir
    Path dir;
    private final AtomicInteger authorized = new AtomicInteger();
    private final Authorizer counting = request -> {
        authorized.incrementAndGet();
        return BrokerHarness.GRANT_REQUESTED.authorize(request);
    };
    private BrokerHarness harness;

    @AfterEach
    void stop() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void javaClientRunsASessionOverWss() throws Exception {
        harness = start(tls(TestCertificates.server(CA, "broker")));
        assertThat(harness.uri().getScheme()).isEqualTo("wss");
        try (ExecClient client = harness.connect(trusting().command(List.of("sh", "-c", "echo over-wss; exit 5")))) {
            client.stdin().close();
            assertThat(readAll(client)).isEqualTo("over-wss\n");
            assertThat(client.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(5);
        }
    }

    @Test
    void clientCertificateIsRequiredWhenAClientCaIsSet() throws Exception {
        TestCertificates.Issued clientCa = TestCertificates.ca("client CA");
        harness = start(tls(TestCertificates.server(CA, "broker"))
            .withClientCaFile(clientCa.writeCert(dir.resolve("client-ca.pem"))));

        CompletableFuture<ExecClient> without = ExecClient.connect(harness.uri(), trusting().command(List.of("true")));
        // In TLS 1.3 the client's handshake ends before the server has checked its certificate: the refusal comes as
        // the server's alert, or, when the client wrote first, as a reset of the connection the server closed.
        assertThat(without).failsWithin(Duration.ofSeconds(30)).withThrowableOfType(Exception.class)
            .havingRootCause().isInstanceOfAny(javax.net.ssl.SSLException.class, java.net.SocketException.class);
        assertThat(authorized).hasValue(0);

        SSLContext withCert = context(TestCertificates.client(clientCa, "alice"));
        ExecClient.Options options = ExecClient.Options.defaults().command(List.of("sh", "-c", "echo mutual"))
            .httpClient(HttpClient.newBuilder().sslContext(withCert).build());
        try (ExecClient client = harness.connect(options)) {
            client.stdin().close();
            assertThat(readAll(client)).isEqualTo("mutual\n");
            assertThat(client.exitCode().get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void certificateReplacedOnDiskIsServedToNewConnections() throws Exception {
        TestCertificates.Issued first = TestCertificates.server(CA, "broker");
        harness = start(tls(first).withReloadInterval(Duration.ofSeconds(1)));
        assertThat(servedSerial()).isEqualTo(first.serial());

        TestCertificates.Issued second = TestCertificates.server(CA, "broker");
        second.writeKey(dir.resolve("key.pem"));
        second.writeCert(dir.resolve("cert.pem"));
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
            .untilAsserted(() -> assertThat(servedSerial()).isEqualTo(second.serial()));
        try (ExecClient client = harness.connect(trusting().command(List.of("sh", "-c", "echo renewed")))) {
            client.stdin().close();
            assertThat(readAll(client)).isEqualTo("renewed\n");
        }
    }

    @Test
    void execCommandRunsOverWssWithCaFile() throws Exception {
        harness = start(tls(TestCertificates.server(CA, "broker")));
        Path caFile = CA.writeCert(dir.resolve("ca.pem"));
        Run run = exec("--ca-file", caFile.toString(), harness.uri().toString(), "--", "sh", "-c", "echo cli; exit 6");
        assertThat(run.status()).as(run.stderr()).isEqualTo(6);
        assertThat(run.stdout()).isEqualTo("cli\n");
    }

    @Test
    void execCommandRefusesABrokerWhoseCertificateItDoesNotTrustAndRunsNothing() throws Exception {
        harness = start(tls(TestCertificates.server(CA, "broker")));
        Path otherCa = TestCertificates.ca("another CA").writeCert(dir.resolve("other-ca.pem"));
        Run untrusted = exec(harness.uri().toString(), "--", "sh", "-c", "echo never");
        assertThat(untrusted.status()).isEqualTo(125);
        assertThat(untrusted.stderr()).startsWith("exec-broker: TLS handshake with the broker failed: the broker's "
            + "certificate is not trusted (").endsWith("; pass the CA that signed it with --ca-file FILE\n");
        Run wrongCa = exec("--ca-file", otherCa.toString(), harness.uri().toString(), "--", "sh", "-c", "echo never");
        assertThat(wrongCa.status()).isEqualTo(125);
        assertThat(wrongCa.stderr()).contains("the broker's certificate is not trusted")
            .endsWith("; is --ca-file the CA that signed it?\n");
        assertThat(untrusted.stdout() + wrongCa.stdout()).isEmpty();
        assertThat(authorized).hasValue(0);
    }

    @Test
    void eventsCommandReachesAWssBrokerWithCaFileAndNamesTlsWithout() throws Exception {
        harness = start(tls(TestCertificates.server(CA, "broker")));
        String url = "wss://127.0.0.1:" + harness.port() + "/events";
        Path caFile = CA.writeCert(dir.resolve("ca.pem"));
        // The test authorizer grants no watch: a refusal by HTTP status proves the TLS connection was made.
        Run refused = run("events", "--no-reconnect", "--ca-file", caFile.toString(), url);
        assertThat(refused.status()).as(refused.stderr()).isEqualTo(1);
        assertThat(refused.stderr()).startsWith("exec-broker: refused with HTTP ");
        Run untrusted = run("events", "--no-reconnect", url);
        assertThat(untrusted.status()).as(untrusted.stderr()).isEqualTo(3);
        assertThat(untrusted.stderr()).contains("TLS handshake with the broker failed: the broker's certificate is not"
            + " trusted").contains("; pass the CA that signed it with --ca-file FILE");
    }

    @Test
    void serveWithAKeyOfAnotherCertificateDoesNotStartAndNamesTheFile() throws Exception {
        Path cert = TestCertificates.server(CA, "broker").writeCert(dir.resolve("cert.pem"));
        Path key = TestCertificates.server(CA, "other").writeKey(dir.resolve("key.pem"));
        Run serve = run("serve", "--listen", "127.0.0.1:0", "--controller-url", "http://127.0.0.1:9/controller",
            "--tls-cert", cert.toString(), "--tls-key", key.toString());
        assertThat(serve.status()).as(serve.stderr()).isEqualTo(2);
        assertThat(serve.stderr()).contains("exec-broker: cannot start: tls.keyFile: " + key
            + ": does not match the certificate of tls.certFile " + cert + " (CN=broker)");
    }

    @Test
    void frameFarOverTheLimitGetsClose1009ThenACleanEndOverTls() throws Exception {
        // The lingering close sits behind the SslHandler: it reads the decrypted WebSocket bytes, and its writes
        // (the close frame) are encrypted.
        harness = start(tls(TestCertificates.server(CA, "broker")));
        long size = 32L << 20;
        SSLContext context = PemTrust.sslContext(CA.writeCert(dir.resolve("trusted-ca.pem")));
        try (SSLSocket client = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", harness.port())) {
            client.setSoTimeout(20_000);
            java.io.OutputStream out = client.getOutputStream();
            java.io.InputStream in = client.getInputStream();
            out.write(RawHandshake.request("/exec?command=sleep&command=30"));
            assertThat(RawWebSocket.readHead(in)).startsWith("HTTP/1.1 101 ");
            assertThat(RawWebSocket.readFrame(in).payload()).containsExactly(0x64); // resume: the process runs
            CompletableFuture.runAsync(() -> {
                try {
                    out.write(RawWebSocket.clientHeader(RawWebSocket.BINARY, size));
                    byte[] chunk = new byte[64 << 10];
                    for (long sent = 0; sent < size; sent += chunk.length) {
                        out.write(chunk);
                    }
                } catch (java.io.IOException e) {
                    // the broker dropped the connection after discarding its share
                }
            });
            RawWebSocket.ServerFrame close = RawWebSocket.readFrame(in);
            assertThat(close.closeCode()).isEqualTo(io.execbroker.protocol.frame.CloseCodes.MESSAGE_TOO_BIG);
            assertThat(close.closeReason()).isEqualTo("message larger than 1048576 bytes");
            // The FIN after the close frame (no close_notify: the close frame already ended the session): no reset.
            assertThat(in.read()).isEqualTo(-1);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> harness.broker().sessions().active() == 0);
    }

    private BrokerHarness start(TlsSettings tls) throws Exception {
        return BrokerHarness.start(BrokerSettings.defaults().withHandshake(BrokerHarness.LENIENT_HANDSHAKES).withTls(tls),
            counting, AuditLog.NONE, DockerClients.configFromEnvironment());
    }

    private TlsSettings tls(TestCertificates.Issued server) {
        return TlsSettings.of(server.writeCert(dir.resolve("cert.pem")), server.writeKey(dir.resolve("key.pem")));
    }

    private ExecClient.Options trusting() {
        return ExecClient.Options.defaults()
            .httpClient(PemTrust.httpClient(CA.writeCert(dir.resolve("trusted-ca.pem")), Duration.ofSeconds(10)));
    }

    /** Returns the serial of the certificate a new TLS connection to the broker gets. */
    private BigInteger servedSerial() throws Exception {
        SSLContext context = PemTrust.sslContext(CA.writeCert(dir.resolve("trusted-ca.pem")));
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", harness.port())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    /** A TLS context trusting the test CA and presenting {@code client}. */
    private static SSLContext context(TestCertificates.Issued client) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", client.keys().getPrivate(), new char[0], new X509Certificate[] {client.cert()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("ca", CA.cert());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return context;
    }

    private static String readAll(ExecClient client) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(client.stdout().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }

    private record Run(int status, String stdout, String stderr) { }

    /** Runs {@code exec-broker exec ARGS} from the jar, stdin empty. */
    private static Run exec(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("exec"));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    /** Runs {@code exec-broker ARGS} from the jar, stdin empty. */
    private static Run run(String... args) throws Exception {
        assertThat(JAR).as("the shaded jar, built by package").exists();
        List<String> command = new java.util.ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        process.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        String out = read(process.getInputStream());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), out, err.get(10, TimeUnit.SECONDS));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

}
