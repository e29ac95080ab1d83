package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;

import javax.net.ssl.SSLHandshakeException;

import org.junit.jupiter.api.Test;

class DockerErrorsTest {
    @Test
    void untrustedDockerCertificateDeepInTheCausesIsNamed() {
        // As Vert.x reports it: its own SSLHandshakeException around the JDK's.
        SSLHandshakeException jdk = new SSLHandshakeException("PKIX path building failed: unable to find valid "
            + "certification path to requested target");
        SSLHandshakeException vertx = new SSLHandshakeException("Failed to create SSL connection");
        vertx.initCause(jdk);
        assertThat(DockerErrors.tlsFailure(new UncheckedIOException(new IOException("request failed", vertx))))
            .contains("TLS handshake with Docker failed: Docker's certificate is not trusted (expected: signed by "
                + "DOCKER_CERT_PATH/ca.pem)");
    }

    @Test
    void refusedClientCertificateIsNamed() {
        assertThat(DockerErrors.tlsFailure(new SSLHandshakeException("Received fatal alert: bad_certificate")))
            .contains("TLS handshake with Docker failed: Docker refused the broker's client certificate "
                + "(DOCKER_CERT_PATH/cert.pem): Received fatal alert: bad_certificate");
    }

    @Test
    void otherFailuresAreNotTlsFailures() {
        assertThat(DockerErrors.tlsFailure(new IOException("Connection refused"))).isEmpty();
    }

    @Test
    void aDockerThatCannotBeReachedIsNamedWithoutItsSocketPath() {
        // docker-java's unix socket, as it fails while dockerd is down.
        RuntimeException down = new RuntimeException(new IOException(
            "Failed create socket with path /var/run/exec-broker-dockerd2.sock"));
        assertThat(DockerErrors.unreachable(down)).contains("Docker is unreachable");
        assertThat(DockerErrors.describe(down)).isEqualTo("Docker is unreachable");
        RuntimeException stalled = new RuntimeException(new java.net.SocketTimeoutException("timeout"));
        assertThat(DockerErrors.describe(stalled)).isEqualTo("Docker did not answer in time");
    }

    @Test
    void aDockerThatAnsweredOrAFailedTlsHandshakeIsNotUnreachable() {
        assertThat(DockerErrors.unreachable(new com.github.dockerjava.api.exception.NotFoundException(
            "{\"message\":\"No such container: web-1\"}"))).isEmpty();
        assertThat(DockerErrors.unreachable(new SSLHandshakeException("Received fatal alert: bad_certificate")))
            .isEmpty();
        assertThat(DockerErrors.unreachable(new IllegalStateException("not I/O"))).isEmpty();
        assertThat(DockerErrors.describe(new IllegalStateException("not I/O"))).isEqualTo("not I/O");
    }
}
