package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.execbroker.broker.Broker;
import io.execbroker.broker.audit.AuditLog;
import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.config.ConfigException;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.TestCertificates;
import io.execbroker.broker.testing.TlsEngine;
import io.execbroker.protocol.client.ExecClient;
import io.vertx.core.Vertx;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker on a real dockerd that listens only on tcp with TLS and client certificates ({@link TlsEngine}): the
 * control plane (docker-java over okhttp), the exec stream and the events stream (the broker's Vert.x clients) all
 * verify Docker's certificate against DOCKER_CERT_PATH/ca.pem and its host name, and present cert.pem.
 */
@Timeout(120)
class DockerTlsIT {
    @TempDir
    Path temp;

    @BeforeAll
    static void engine() {
        TlsEngine.ensureStarted();
    }

    @Test
    void sessionRunsOnTheTlsOnlyEngineWithItsExitCode() throws Exception {
        try (BrokerHarness harness = BrokerHarness.start(tlsSettings(), BrokerHarness.GRANT_REQUESTED, AuditLog.NONE,
                TlsEngine.config());
             ExecClient client = harness.exec("sh", "-c", "echo over-tls; exit 7")) {
            client.stdin().close();
            assertThat(readAll(client)).isEqualTo("over-tls\n");
            assertThat(client.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(7);
        }
    }

    @Test
    void ttySessionStreamsOverTlsToo() throws Exception {
        try (BrokerHarness harness = BrokerHarness.start(tlsSettings(), BrokerHarness.GRANT_REQUESTED, AuditLog.NONE,
                TlsEngine.config());
             ExecClient client = harness.execTty("sh", "-c", "printf tty-over-tls")) {
            assertThat(readAll(client)).isEqualTo("tty-over-tls");
            assertThat(client.exitCode().get(30, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void eventsStreamOpensOverTls() throws Exception {
        try (BrokerHarness harness = BrokerHarness.start(tlsSettings(), BrokerHarness.GRANT_REQUESTED, AuditLog.NONE,
                TlsEngine.config())) {
            harness.broker().events().ready().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertThat(harness.broker().events().upstreamOpens()).isEqualTo(1);
        }
    }

    @Test
    void brokerThatDoesNotTrustDockersCertificateDoesNotStartAndSaysWhy() throws Exception {
        Path certs = Files.createDirectories(temp.resolve("wrong-ca"));
        Files.copy(TlsEngine.CERT_PATH.resolve("cert.pem"), certs.resolve("cert.pem"));
        Files.copy(TlsEngine.CERT_PATH.resolve("key.pem"), certs.resolve("key.pem"));
        TestCertificates.ca("not Docker's CA").writeCert(certs.resolve("ca.pem"));
        Vertx vertx = Vertx.vertx();
        try {
            assertThatThrownBy(() -> Broker.start(vertx, tlsSettings(), BrokerHarness.GRANT_REQUESTED, AuditLog.NONE,
                    TlsEngine.config(certs)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ConfigException.class)
                .hasMessage("DOCKER_HOST tcp://127.0.0.1:23763: TLS handshake with Docker failed: Docker's certificate"
                    + " is not trusted (expected: signed by DOCKER_CERT_PATH/ca.pem) (DOCKER_CERT_PATH " + certs + ")");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void brokerWhoseClientCertificateDockerRefusesDoesNotStartAndSaysWhy() throws Exception {
        Path certs = Files.createDirectories(temp.resolve("foreign-client"));
        Files.copy(TlsEngine.CERT_PATH.resolve("ca.pem"), certs.resolve("ca.pem"));
        TestCertificates.Issued stranger = TestCertificates.rsaClient(TestCertificates.ca("a stranger's CA"), "stranger");
        stranger.writeCert(certs.resolve("cert.pem"));
        stranger.writeKey(certs.resolve("key.pem"));
        Vertx vertx = Vertx.vertx();
        try {
            assertThatThrownBy(() -> Broker.start(vertx, tlsSettings(), BrokerHarness.GRANT_REQUESTED, AuditLog.NONE,
                    TlsEngine.config(certs)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("DOCKER_HOST tcp://127.0.0.1:23763: TLS handshake with Docker failed: Docker refused"
                    + " the broker's client certificate (DOCKER_CERT_PATH/cert.pem): ");
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads stdout to its end, failing after 30 s rather than hanging the build. */
    private static String readAll(ExecClient client) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new String(client.stdout().readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }

    private static BrokerSettings tlsSettings() {
        return BrokerSettings.defaults().withHandshake(BrokerHarness.LENIENT_HANDSHAKES);
    }
}
