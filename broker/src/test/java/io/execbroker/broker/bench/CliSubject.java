package io.execbroker.broker.bench;

import io.execbroker.broker.testing.DockerFixture;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * The docker CLI column: one {@code docker exec} process per exec, its stdin and stdout as pipes. Setup times
 * include starting the CLI process, as they do for anyone who scripts it.
 */
final class CliSubject implements Subject {
    private static final int STDIN_CHUNK = 64 * 1024;

    private CliSubject() {
    }

    /** Returns the CLI column if {@code docker version} works here. */
    static Optional<CliSubject> find() {
        try {
            Process p = new ProcessBuilder("docker", "version", "--format", "{{.Client.Version}}")
                .redirectErrorStream(true).start();
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.of(new CliSubject())
                : Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    @Override
    public String name() {
        return "docker CLI";
    }

    private static Process exec(boolean interactive, boolean tty, String... argv) throws Exception {
        List<String> command = new ArrayList<>(List.of("docker", "exec"));
        if (interactive) {
            command.add("-i");
        }
        if (tty) {
            command.add("-t");
        }
        command.add(DockerFixture.CONTAINER);
        command.addAll(List.of(argv));
        return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    private static int exitCode(Process process) throws Exception {
        BenchException.check(process.waitFor(600, TimeUnit.SECONDS), "docker exec did not end");
        return process.exitValue();
    }

    @Override
    public Transfer stdout(long bytes, boolean tty) throws Exception {
        Process process = exec(false, tty, "head", "-c", Long.toString(bytes), "/dev/zero");
        try {
            process.getOutputStream().close();
            StreamReads.Seen seen = StreamReads.readAll(process.getInputStream(), bytes, false);
            int code = exitCode(process);
            BenchException.check(seen.total() == bytes && code == 0, "docker CLI stdout (tty " + tty + "): read "
                + seen.total() + " bytes, expected " + bytes + "; exit code " + code);
            return seen.transfer();
        } finally {
            process.destroyForcibly();
        }
    }

    @Override
    public Transfer echo(Payload payload) throws Exception {
        Process process = exec(true, false, "cat");
        try {
            FutureTask<StreamReads.Seen> reader = new FutureTask<>(
                () -> StreamReads.readAll(process.getInputStream(), payload.bytes.length, true));
            Thread thread = new Thread(reader, "bench-cli-echo-reader");
            thread.setDaemon(true);
            thread.start();
            long start = System.nanoTime();
            try (OutputStream stdin = process.getOutputStream()) {
                for (int pos = 0; pos < payload.bytes.length; pos += STDIN_CHUNK) {
                    stdin.write(payload.bytes, pos, Math.min(STDIN_CHUNK, payload.bytes.length - pos));
                }
            }
            StreamReads.Seen seen = reader.get(600, TimeUnit.SECONDS);
            int code = exitCode(process);
            payload.verify("docker CLI", seen.total(), seen.crc());
            BenchException.check(code == 0, "docker CLI echo: exit code " + code);
            return new Transfer(seen.total(), seen.lastNanos() - start);
        } finally {
            process.destroyForcibly();
        }
    }

    @Override
    public long setupTrue() throws Exception {
        long start = System.nanoTime();
        Process process = exec(false, false, "true");
        process.getOutputStream().close();
        int code = exitCode(process);
        long elapsed = System.nanoTime() - start;
        BenchException.check(code == 0, "docker CLI: true exited with " + code);
        return elapsed;
    }

    @Override
    public Echo openEcho() throws Exception {
        Process process = exec(true, false, "cat");
        OutputStream stdin = process.getOutputStream();
        InputStream stdout = process.getInputStream();
        return new Echo() {
            @Override
            public long roundTrip(byte b) throws Exception {
                long start = System.nanoTime();
                stdin.write(b & 0xff);
                stdin.flush();
                int back = stdout.read();
                long elapsed = System.nanoTime() - start;
                BenchException.check(back == (b & 0xff), "docker CLI round trip: sent " + (b & 0xff) + ", got " + back);
                return elapsed;
            }

            @Override
            public void close() throws Exception {
                try {
                    stdin.close();
                    BenchException.check(stdout.readAllBytes().length == 0, "docker CLI round trip: extra output");
                    BenchException.check(exitCode(process) == 0, "docker CLI round trip: cat failed");
                } finally {
                    process.destroyForcibly();
                }
            }
        };
    }

    @Override
    public void close() {
    }
}
