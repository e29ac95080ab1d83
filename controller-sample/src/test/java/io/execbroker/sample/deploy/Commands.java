package io.execbroker.sample.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the commands a user types (the deploy scripts) and fails with their output when they fail; the same as the
 * broker's deploy tests use.
 */
final class Commands {
    /** The repository's root: failsafe runs in the module's folder. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private Commands() {
    }

    /**
     * Runs {@code argv} in the repository's root and returns its stdout and stderr together.
     *
     * @throws AssertionError naming the command, its exit status and its output when it fails or outlasts {@code timeout}
     */
    static String run(Duration timeout, String... argv) {
        return run(timeout, List.of(argv));
    }

    static String run(Duration timeout, List<String> argv) {
        return run(timeout, Map.of(), argv);
    }

    /** Runs {@code argv} as {@link #run(Duration, String...)} does, with {@code env} added to the environment. */
    static String run(Duration timeout, Map<String, String> env, List<String> argv) {
        try {
            Path output = Files.createTempFile("exec-broker-deploy-", ".log");
            try {
                ProcessBuilder builder = new ProcessBuilder(argv).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
                builder.environment().putAll(env);
                Process process = builder.start();
                if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                    throw new AssertionError(String.join(" ", argv) + ": still running after " + timeout + "; output:\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
                }
                String text = Files.readString(output, StandardCharsets.UTF_8);
                if (process.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", argv) + ": exit status " + process.exitValue()
                        + " (expected: 0); output:\n" + text);
                }
                return text;
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new AssertionError("cannot run " + argv + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + argv, e);
        }
    }
}
