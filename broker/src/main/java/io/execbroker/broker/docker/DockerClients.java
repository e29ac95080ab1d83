package io.execbroker.broker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.okhttp.OkDockerHttpClient;

import java.time.Duration;

/**
 * Makes docker-java clients for the control plane (exec create and inspect, resize, ping, version). The Docker
 * host and TLS settings come from the standard environment ({@code DOCKER_HOST}, {@code DOCKER_TLS_VERIFY},
 * {@code DOCKER_CERT_PATH}), as the docker CLI reads them.
 */
public final class DockerClients {
    /** Bounds a control-plane call: they are all short, and a hung daemon must not hang a session forever. */
    public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofSeconds(30);

    private DockerClients() {
    }

    /** Returns the settings the environment gives, like {@code unix:///var/run/docker.sock}. */
    public static DefaultDockerClientConfig configFromEnvironment() {
        return DefaultDockerClientConfig.createDefaultConfigBuilder().build();
    }

    /** Returns the settings of the environment with {@code dockerHost} instead, like {@code unix:///run/d.sock}. */
    public static DefaultDockerClientConfig config(String dockerHost) {
        return DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    }

    /** Returns a client for {@code config}; calls block, so make them off the event loop. Close it when done. */
    public static DockerClient create(DockerClientConfig config, Duration callTimeout) {
        int timeoutMillis = Math.toIntExact(callTimeout.toMillis());
        OkDockerHttpClient http = new OkDockerHttpClient.Builder()
            .dockerHost(config.getDockerHost())
            .sslConfig(config.getSSLConfig())
            .connectTimeout(timeoutMillis)
            .readTimeout(timeoutMillis)
            .build();
        return DockerClientImpl.getInstance(config, http);
    }
}
