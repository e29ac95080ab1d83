package io.execbroker.broker.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import io.execbroker.broker.docker.DockerClients;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The TLS-only Docker engine of {@code deploy/dev/dockerd-tls-fixture.sh}: tcp://127.0.0.1:23763 with
 * {@code --tlsverify}, its client certificates in the docker CLI's layout (ca.pem, cert.pem, key.pem), the test image
 * and a running {@code servertest}. Tests fail, never skip, when it cannot be started.
 */
public final class TlsEngine {
    /** Its DOCKER_HOST. */
    public static final String HOST = "tcp://127.0.0.1:23763";
    /** Its clients' DOCKER_CERT_PATH. */
    public static final Path CERT_PATH = Path.of("/var/lib/exec-broker-dockerd-tls/certs/client");
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

    private TlsEngine() {
    }

    /** Returns the settings of a client of this engine: TLS verified with the fixture's CA and client certificate. */
    public static DefaultDockerClientConfig config() {
        return config(CERT_PATH);
    }

    /** Returns the settings of a client of this engine with the certificates of {@code certPath}. */
    public static DefaultDockerClientConfig config(Path certPath) {
        return DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(HOST).withDockerTlsVerify(true)
            .withDockerCertPath(certPath.toString()).build();
    }

    /** Runs the fixture's {@code start} unless the engine answers. */
    public static void ensureStarted() {
        if (answers()) {
            return;
        }
        Path script = script();
        try {
            Process process = new ProcessBuilder(script.toString(), "start").redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new AssertionError(script + " start failed:\n" + new String(output, StandardCharsets.UTF_8)
                    + "(it needs root and deploy/dev/docker-fixture.sh; pass -DskipITs to skip integration tests)");
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + script, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + script, e);
        }
    }

    private static boolean answers() {
        if (!Files.isReadable(CERT_PATH.resolve("key.pem"))) {
            return false;
        }
        try (DockerClient docker = DockerClients.create(config(), Duration.ofSeconds(5))) {
            docker.pingCmd().exec();
            return true;
        } catch (RuntimeException | IOException e) {
            return false;
        }
    }

    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("deploy/dev/dockerd-tls-fixture.sh");
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new AssertionError("deploy/dev/dockerd-tls-fixture.sh not found above " + Path.of("").toAbsolutePath());
    }
}
