package io.execbroker.broker.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.broker.config.TlsSettings;
import io.execbroker.broker.testing.TestCertificates;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;

import java.math.BigInteger;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.execbroker.protocol.client.PemTrust;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One check at a time, called directly: what a replaced, a half-replaced and an unchanged set of files do. */
class CertificateReloaderTest {
    private static final TestCertificates.Issued CA = TestCertificates.ca("reload CA");

    @TempDir
    Path dir;
    private Vertx vertx;
    private WorkerExecutor workers;
    private HttpServer server;
    private CertificateReloader reloader;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        workers = vertx.createSharedWorkerExecutor("reload-test", 1);
        TestCertificates.Issued first = TestCertificates.server(CA, "broker");
        TlsSettings settings = TlsSettings.of(first.writeCert(dir.resolve("cert.pem")),
            first.writeKey(dir.resolve("key.pem"))).withReloadInterval(Duration.ZERO);
        ServerTls tls = ServerTls.load(settings);
        server = vertx.createHttpServer(tls.applyTo(new HttpServerOptions().setHost("127.0.0.1").setPort(0)))
            .requestHandler(request -> request.response().end("ok"));
        server.listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        reloader = new CertificateReloader(vertx, workers, server, tls);
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void unchangedFilesChangeNothing() throws Exception {
        BigInteger before = served();
        assertThat(check()).isFalse();
        assertThat(served()).isEqualTo(before);
    }

    @Test
    void aCertificateWithoutItsNewKeyIsNotTakenUntilTheKeyFollows() throws Exception {
        BigInteger before = served();
        TestCertificates.Issued second = TestCertificates.server(CA, "broker");
        second.writeCert(dir.resolve("cert.pem"));
        assertThat(check()).isFalse();
        assertThat(served()).isEqualTo(before);

        second.writeKey(dir.resolve("key.pem"));
        assertThat(check()).isTrue();
        assertThat(served()).isEqualTo(second.serial());
        assertThat(check()).isFalse();
    }

    private boolean check() throws Exception {
        return vertx.getOrCreateContext().<Boolean>executeBlocking(() -> null, false) // a context for the timer's state
            .compose(v -> reloader.check()).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private BigInteger served() throws Exception {
        SSLContext context = PemTrust.sslContext(CA.writeCert(dir.resolve("ca.pem")));
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.actualPort())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
