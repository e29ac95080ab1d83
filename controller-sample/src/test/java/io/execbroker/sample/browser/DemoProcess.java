package io.execbroker.sample.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code deploy/demo.sh --no-build} as a newcomer runs it, on free ports and with its state in a temp dir: the fixture,
 * the broker jar and this module's jar, with the demo users. {@link #interrupt()} is the Ctrl-C.
 */
final class DemoProcess implements AutoCloseable {
    /** The last line of the banner that demo.sh prints once both servers listen. */
    private static final String READY = "Ctrl-C stops everything.";

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    final int appPort;
    final int brokerPort;
    /** The second broker's port, with {@code --two-hosts}. */
    final int broker2Port;
    /** The ops ports (metrics, probes) of the broker and, with {@code --two-hosts}, the second broker. */
    final int opsPort;
    final int ops2Port;
    final Path dir;

    private DemoProcess(Path repoRoot, Path dir, int appPort, int brokerPort, Map<String, String> env,
                        List<String> args) throws IOException {
        this.dir = dir;
        this.appPort = appPort;
        this.brokerPort = brokerPort;
        this.broker2Port = freePort();
        this.opsPort = freePort();
        this.ops2Port = freePort();
        List<String> command = new ArrayList<>(List.of("bash", repoRoot.resolve("deploy/demo.sh").toString(),
            "--no-build"));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DEMO_APP_PORT", Integer.toString(appPort));
        builder.environment().put("DEMO_BROKER_PORT", Integer.toString(brokerPort));
        builder.environment().put("DEMO_OPS_PORT", Integer.toString(opsPort));
        builder.environment().put("DEMO_BROKER2_PORT", Integer.toString(broker2Port));
        builder.environment().put("DEMO_OPS2_PORT", Integer.toString(ops2Port));
        builder.environment().put("DEMO_DIR", dir.toString());
        builder.environment().putAll(env);
        process = builder.start();
        Thread reader = new Thread(this::readOutput, "demo-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts the demo and waits until it says it is ready. */
    static DemoProcess start(Path dir) throws Exception {
        return start(dir, Map.of());
    }

    /** Starts the demo with more environment, such as {@code DEMO_TLS_CERT}, and waits until it says it is ready. */
    static DemoProcess start(Path dir, Map<String, String> env) throws Exception {
        return start(dir, env, List.of());
    }

    /** Starts the demo with more environment and arguments, such as {@code --two-hosts}, and waits until ready. */
    static DemoProcess start(Path dir, Map<String, String> env, List<String> args) throws Exception {
        Path root = repoRoot();
        for (String jar : List.of("broker/target/exec-broker.jar", "controller-sample/target/controller-sample.jar")) {
            assertThat(root.resolve(jar)).as("%s, built by package (./mvnw verify builds it before this test)", jar)
                .exists();
        }
        DemoProcess demo = new DemoProcess(root, dir, freePort(), freePort(), env, args);
        try {
            demo.ready.get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            demo.close();
            throw new AssertionError("demo.sh did not get ready:\n" + demo.output(), e);
        }
        return demo;
    }

    String appUrl() {
        return "http://127.0.0.1:" + appPort + "/";
    }

    Path auditLog() {
        return dir.resolve("audit.jsonl");
    }

    /** The broker's log (its standard output and error). */
    Path brokerLog() {
        return dir.resolve("broker.log");
    }

    String output() {
        return String.join("\n", output);
    }

    /**
     * Ctrl-C: SIGINT to the script. A shell started with SIGINT ignored (a background job of a non-interactive
     * shell, say) can never trap it, so there the test sends SIGTERM, which demo.sh stops on the same way.
     *
     * @return the script's exit status
     */
    int interrupt() throws Exception {
        String signal = ignoresSigint() ? "-TERM" : "-INT";
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("demo.sh stops after kill %s:%n%s", signal, output())
            .isTrue();
        return process.exitValue();
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private boolean ignoresSigint() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("SigIgn:")) {
                return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & (1L << 1)) != 0; // bit of signal 2
            }
        }
        return false;
    }

    private void readOutput() {
        try (BufferedReader lines = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                if (line.strip().equals(READY)) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            output.add("(reading the output failed: " + e + ")");
        }
        ready.completeExceptionally(new IllegalStateException("demo.sh ended before it was ready"));
    }

    /** The checkout: this module's parent directory (failsafe runs in the module's directory). */
    static Path repoRoot() {
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("deploy/demo.sh")).as("deploy/demo.sh beside this module").exists();
        return root;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
