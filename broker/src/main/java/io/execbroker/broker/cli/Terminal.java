package io.execbroker.broker.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The local terminal of the {@code exec} command: raw mode and its size, through {@code stty} on
 * {@code /dev/tty} (the JDK has no terminal API, and a native library is not worth it for two calls).
 */
final class Terminal {
    private final String savedMode;

    private Terminal(String savedMode) {
        this.savedMode = savedMode;
    }

    /** Returns true if stdin is a terminal. */
    static boolean isInteractive() {
        return System.console() != null;
    }

    /** Puts the terminal in raw mode (no echo, no line editing, no signals); {@link #restore} undoes it. */
    static Terminal raw() throws IOException {
        String saved = stty("-g").strip();
        stty("raw", "-echo");
        return new Terminal(saved);
    }

    void restore() {
        try {
            stty(savedMode);
        } catch (IOException e) {
            System.err.println("exec-broker: cannot restore the terminal: " + e.getMessage() + " (run: stty sane)");
        }
    }

    /** Returns the terminal's rows and cols, if it has a size. */
    static Optional<int[]> size() {
        try {
            String[] parts = stty("size").strip().split("\\s+");
            return Optional.of(new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])});
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String stty(String... args) throws IOException {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        Process process = new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/tty")))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IOException("stty " + String.join(" ", args) + " failed");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }
}
