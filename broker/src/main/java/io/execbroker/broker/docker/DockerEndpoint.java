package io.execbroker.broker.docker;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;

import java.net.URI;
import java.nio.file.Path;
import java.util.Set;

/**
 * Where the exec and events streams connect: the same Docker endpoint docker-java uses, a unix socket or tcp, with
 * TLS when {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} say so (ca.pem, cert.pem, key.pem, as the docker
 * CLI). With TLS, Docker's certificate must chain to ca.pem and name the host of {@code DOCKER_HOST} (hostname
 * verification on, as docker-java's okhttp transport does it), and the broker presents cert.pem.
 *
 * @param address the socket address, like {@code /var/run/docker.sock}
 * @param hostHeader the HTTP Host header to send
 * @param tlsCertPath the folder of the client certificates, or null for no TLS
 */
public record DockerEndpoint(SocketAddress address, String hostHeader, Path tlsCertPath) {
    /** TLS 1.2 and 1.3 only, as the docker CLI. */
    static final Set<String> TLS_PROTOCOLS = Set.of("TLSv1.2", "TLSv1.3");
    /** Docker's ports when DOCKER_HOST names none. */
    private static final int PLAIN_PORT = 2375;
    private static final int TLS_PORT = 2376;

    /**
     * Returns the endpoint of {@code dockerHost}, like {@code unix:///var/run/docker.sock} or
     * {@code tcp://10.0.0.5:2376}.
     *
     * @throws IllegalArgumentException for any other scheme
     */
    public static DockerEndpoint of(URI dockerHost, Path tlsCertPath) {
        return switch (dockerHost.getScheme()) {
            case "unix" -> new DockerEndpoint(SocketAddress.domainSocketAddress(dockerHost.getPath()), "docker", null);
            case "tcp", "https" -> new DockerEndpoint(SocketAddress.inetSocketAddress(dockerHost.getPort() >= 0
                    ? dockerHost.getPort() : tlsCertPath != null ? TLS_PORT : PLAIN_PORT, dockerHost.getHost()),
                dockerHost.getHost(), tlsCertPath);
            default -> throw new IllegalArgumentException("DOCKER_HOST: " + dockerHost
                + " (expected: unix:///path or tcp://host:port)");
        };
    }

    /** Returns true if the streams use TLS. */
    public boolean tls() {
        return tlsCertPath != null;
    }

    /** Returns the options of a client for this endpoint's exec streams. */
    public NetClientOptions clientOptions() {
        NetClientOptions options = new NetClientOptions().setTcpNoDelay(true).setReconnectAttempts(0);
        if (tls()) {
            options.setSsl(true)
                .setHostnameVerificationAlgorithm("HTTPS")
                .setEnabledSecureTransportProtocols(TLS_PROTOCOLS)
                .setTrustOptions(trust())
                .setKeyCertOptions(keyCert());
        }
        return options;
    }

    /** Returns the options of the client for Docker's event streams: no keep-alive, so that closing a stream closes its connection. */
    public HttpClientOptions eventsClientOptions() {
        HttpClientOptions options = new HttpClientOptions().setKeepAlive(false).setTcpNoDelay(true)
            .setMaxInitialLineLength(4096);
        if (tls()) {
            options.setSsl(true)
                .setVerifyHost(true)
                .setEnabledSecureTransportProtocols(TLS_PROTOCOLS)
                .setTrustOptions(trust())
                .setKeyCertOptions(keyCert());
        }
        return options;
    }

    private PemTrustOptions trust() {
        return new PemTrustOptions().addCertPath(tlsCertPath.resolve("ca.pem").toString());
    }

    private PemKeyCertOptions keyCert() {
        return new PemKeyCertOptions()
            .setCertPath(tlsCertPath.resolve("cert.pem").toString())
            .setKeyPath(tlsCertPath.resolve("key.pem").toString());
    }
}
