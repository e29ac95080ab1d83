package io.execbroker.broker.testing;

import static org.awaitility.Awaitility.await;

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
 * The second Docker engine of {@code deploy/dev/dockerd2-fixture.sh}, the tests' own, which they stop and start
 * (the shared engine must never be). It holds the test image; its containers are on a bridge of its own. Tests
 * fail, never skip, when it cannot be started.
 */
public final class SecondEngine {
    /** Its DOCKER_HOST. */
    public static final String HOST = "unix:///var/run/exec-broker-dockerd2.sock";
    /** A start here takes about 1.5 s, a stop about 1.1 s (dockerd 20.10, 2 cores); the script waits 60 s. */
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);
    /** The script's pid file: dockerd's pid while it runs. */
    private static final Path PIDFILE = Path.of("/var/run/exec-broker-dockerd2.pid");

    private SecondEngine() {
    }

    /** Returns the settings of a client of this engine. */
    public static DefaultDockerClientConfig config() {
        return DockerClients.config(HOST);
    }

    /** Starts the engine unless it answers, and waits until it does. */
    public static void ensureStarted() {
        if (!answers()) {
            start();
        }
    }

    /** Runs the script's {@code start} (a no-op when it runs), then waits until the engine answers. */
    public static void start() {
        run("start");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
            .until(() -> Files.exists(Path.of(config().getDockerHost().getPath())) && answers());
    }

    /** Stops the engine with SIGTERM; returns once dockerd has exited. */
    public static void stop() {
        run("stop");
    }

    /**
     * Kills dockerd with SIGKILL, as in a crash: its containers run on under their shims until the next start,
     * which kills what is left (their processes die with them).
     */
    public static void kill() {
        run("kill");
    }

    /**
     * Stalls dockerd with SIGSTOP: its API takes connections (the kernel queues them) but answers nothing, as a
     * hung engine; its containers and their processes run on. Undo with {@link #resume()}, in a finally.
     */
    public static void stall() {
        signal("-STOP");
    }

    /** Lets a stalled dockerd go on (SIGCONT); a no-op when it runs, and when it is stopped or killed. */
    public static void resume() {
        if (Files.exists(PIDFILE) && ProcessHandle.of(pid()).isPresent()) {
            signal("-CONT");
        }
    }

    /** Returns dockerd's pid, from the pid file of the script. */
    public static long pid() {
        try {
            return Long.parseLong(Files.readString(PIDFILE).strip());
        } catch (IOException | NumberFormatException e) {
            throw new AssertionError("no pid in " + PIDFILE + " (is the second engine running?)", e);
        }
    }

    private static void signal(String signal) {
        long pid = pid();
        try {
            Process kill = new ProcessBuilder("kill", signal, String.valueOf(pid)).redirectErrorStream(true).start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new AssertionError("kill " + signal + " " + pid + " failed: " + output);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run kill " + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted sending " + signal + " to " + pid, e);
        }
    }

    /** Returns whether the engine answers a ping within 5 s. */
    public static boolean answers() {
        try (DockerClient docker = DockerClients.create(config(), Duration.ofSeconds(5))) {
            docker.pingCmd().exec();
            return true;
        } catch (RuntimeException | IOException e) {
            return false;
        }
    }

    private static void run(String command) {
        Path script = script();
        try {
            Process process = new ProcessBuilder(script.toString(), command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            // The script's output is short; dockerd closes the fds it inherits, so this ends when the script does.
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(script + " " + command + " did not end within " + SCRIPT_TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError(script + " " + command + " failed with status " + process.exitValue() + ":\n"
                    + new String(output, StandardCharsets.UTF_8) + "(it needs root and deploy/dev/docker-fixture.sh;"
                    + " pass -DskipITs to skip integration tests)");
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + script + " " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + script + " " + command, e);
        }
    }

    /** The script, found from the working directory up (the module's or the repository's). */
    private static Path script() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path script = dir.resolve("deploy/dev/dockerd2-fixture.sh");
            if (Files.isExecutable(script)) {
                return script;
            }
        }
        throw new AssertionError("deploy/dev/dockerd2-fixture.sh not found above " + Path.of("").toAbsolutePath());
    }
}
