package io.execbroker.sample;

import io.execbroker.sample.auth.PasswordHash;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Reads a password from the first line of stdin and prints its hash for the users file. */
@Command(name = "hash-password", mixinStandardHelpOptions = true,
    description = "Reads a password from stdin and prints its pbkdf2-sha256 hash for the users file.")
final class HashPasswordCommand implements Callable<Integer> {
    @Option(names = "--iterations", defaultValue = "" + PasswordHash.DEFAULT_ITERATIONS,
        description = "PBKDF2 rounds (default: ${DEFAULT-VALUE})")
    int iterations;

    @Override
    public Integer call() throws IOException {
        String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.isEmpty()) {
            System.err.println("hash-password: no password on stdin (expected: one line)");
            return 2;
        }
        System.out.println(PasswordHash.create(line.toCharArray(), iterations, new SecureRandom()));
        return 0;
    }
}
