package io.execbroker.broker.docker;

import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the exec streams connect: the same Docker endpoint docker-java uses, a unix socket or tcp, with TLS when
 * {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} say so (ca.pem, cert.pem, key.pem, as the docker CLI).
 *
 * @param address the socket address, like {@code /var/run/docker.sock}
 * @param hostHeader the HTTP Host header to send
 * @param tlsCertPath the folder of the client certificates, or null for no TLS
 */
public record DockerEndpoint(SocketAddress address, String hostHeader, Path tlsCertPath) {

    /**
     * Returns the endpoint of {@code dockerHost}, like {@code unix:///var/run/docker.sock} or
     * {@code tcp://10.0.0.5:2376}.
     *
     * @throws IllegalArgumentException for any other scheme
     */
    public static DockerEndpoint of(URI dockerHost, Path tlsCertPath) {
        return switch (dockerHost.getScheme()) {
            case "unix" -> new DockerEndpoint(SocketAddress.domainSocketAddress(dockerHost.getPath()), "docker", null);
            case "tcp", "https" -> new DockerEndpoint(
                SocketAddress.inetSocketAddress(dockerHost.getPort() < 0 ? 2375 : dockerHost.getPort(), dockerHost.getHost()),
                dockerHost.getHost(), tlsCertPath);
            default -> throw new IllegalArgumentException("DOCKER_HOST: " + dockerHost
                + " (expected: unix:///path or tcp://host:port)");
        };
    }

    /** Returns the options of a client for this endpoint's streams. */
    public NetClientOptions clientOptions() {
        NetClientOptions options = new NetClientOptions().setTcpNoDelay(true).setReconnectAttempts(0);
        if (tlsCertPath != null) {
            options.setSsl(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(tlsCertPath.resolve("ca.pem").toString()))
                .setKeyCertOptions(new PemKeyCertOptions()
                    .setCertPath(tlsCertPath.resolve("cert.pem").toString())
                    .setKeyPath(tlsCertPath.resolve("key.pem").toString()));
        }
        return options;
    }
}
