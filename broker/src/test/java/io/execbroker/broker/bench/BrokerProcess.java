package io.execbroker.broker.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The broker as it is deployed: a JVM of its own running the shaded jar ({@code serve}), so that its resident
 * memory, threads and open files are its own and not the bench client's. It asks a controller
 * ({@code --controller-url}) about every session, serves metrics on an ops listener, and has room (a config file of
 * its own) for {@code sessions} sessions of one subject and a handshake rate no bench can reach. Figures come from
 * {@code /proc/PID}, the ops listener's {@code /metrics} and {@code jcmd}.
 */
final class BrokerProcess implements AutoCloseable {
    static final Path JAR = Path.of("broker", "target", "exec-broker.jar");
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)/exec");
    private static final Pattern OPS = Pattern.compile("metrics and probes on http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Pattern SESSIONS_OPEN = Pattern.compile("(?m)^exec_broker_sessions_open ([0-9.]+)$");
    /** {@code jcmd GC.heap_info}: a heap or generation line, like {@code garbage-first heap total 65536K, used 9876K}. */
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^ ?\\S.*total \\d+K, used (\\d+)K");
    private static final Pattern ENV_VARIABLE = Pattern.compile("([A-Z_][A-Z0-9_]*)=(.*)");
    private static final int LOG_LINES_KEPT = 200;

    private final Process process;
    private final int port;
    private final int opsPort;
    private final Path config;
    private final Deque<String> log;
    private final HttpClient http = HttpClient.newHttpClient();

    private BrokerProcess(Process process, int port, int opsPort, Path config, Deque<String> log) {
        this.process = process;
        this.port = port;
        this.opsPort = opsPort;
        this.config = config;
        this.log = log;
    }

    /**
     * Starts {@code java <jvmFlags> -jar exec-broker.jar serve} and waits until it listens. A "flag" like
     * {@code MALLOC_ARENA_MAX=2} (NAME=value, the name in capitals) goes into the process's environment instead.
     */
    static BrokerProcess start(List<String> jvmFlags, String controllerUrl, int sessions) throws Exception {
        BenchException.check(Files.isRegularFile(JAR), JAR + " is missing (build it: ./mvnw -pl protocol,broker"
            + " package -DskipTests)");
        Path config = Files.createTempFile("bench-broker", ".yaml");
        Files.writeString(config, String.join("\n",
            "# written by the load bench: room for its sessions, one subject, one client address",
            "limits:",
            "  maxSessions: " + sessions,
            "  maxSessionsPerSubject: " + sessions,
            "  handshakesPerSecond: 100000",
            "  handshakeBurst: 100000",
            "audit:",
            "  log: /dev/null", ""));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Map<String, String> env = new HashMap<>();
        for (String flag : jvmFlags) {
            Matcher variable = ENV_VARIABLE.matcher(flag);
            if (variable.matches()) {
                env.put(variable.group(1), variable.group(2));
            } else {
                command.add(flag);
            }
        }
        command.addAll(List.of("-jar", JAR.toString(), "serve", "--config", config.toString(),
            "--listen", "127.0.0.1:0", "--ops-listen", "127.0.0.1:0", "--controller-url", controllerUrl));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        Deque<String> log = new ArrayDeque<>();
        CompletableFuture<Integer> listening = new CompletableFuture<>();
        CompletableFuture<Integer> ops = new CompletableFuture<>();
        Thread reader = new Thread(() -> readLog(process, log, listening, ops), "bench-broker-process-log");
        reader.setDaemon(true);
        reader.start();
        try {
            return new BrokerProcess(process, listening.get(60, TimeUnit.SECONDS), ops.get(10, TimeUnit.SECONDS),
                config, log);
        } catch (Exception e) {
            process.destroyForcibly();
            Files.deleteIfExists(config);
            throw new BenchException("the broker process did not start listening: " + e.getMessage()
                + "; its log: " + String.join("\n", snapshot(log)), e);
        }
    }

    private static void readLog(Process process, Deque<String> log, CompletableFuture<Integer> listening,
                                CompletableFuture<Integer> ops) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                synchronized (log) {
                    log.addLast(line);
                    if (log.size() > LOG_LINES_KEPT) {
                        log.removeFirst();
                    }
                }
                complete(LISTENING.matcher(line), listening);
                complete(OPS.matcher(line), ops);
            }
        } catch (IOException e) {
            // the process ended
        }
        listening.completeExceptionally(new IllegalStateException("the broker exited"));
        ops.completeExceptionally(new IllegalStateException("the broker exited"));
    }

    private static void complete(Matcher m, CompletableFuture<Integer> port) {
        if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
        }
    }

    private static List<String> snapshot(Deque<String> log) {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** Resident memory in bytes (VmRSS). */
    long rss() {
        return ProcessMemory.rss(proc("status"));
    }

    /** Live threads (the Threads line of /proc/PID/status). */
    int threads() {
        try {
            return Files.readAllLines(proc("status")).stream().filter(l -> l.startsWith("Threads:"))
                .mapToInt(l -> Integer.parseInt(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Open file descriptors (entries of /proc/PID/fd). */
    int openFds() {
        try (Stream<Path> fds = Files.list(proc("fd"))) {
            return (int) fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** User + system CPU seconds of the whole process so far (/proc/PID/stat, 100 ticks a second). */
    double cpuSeconds() {
        try {
            String stat = Files.readString(proc("stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Heap in use after a full GC, in bytes: {@code jcmd PID GC.run}, then the used of {@code GC.heap_info}. */
    long heapAfterGc() throws Exception {
        jcmd("GC.run");
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        long used = 0;
        boolean found = false;
        while (m.find()) {
            used += Long.parseLong(m.group(1)) * 1024;
            found = true;
        }
        return found ? used : -1;
    }

    /**
     * The committed memory of each part of the JVM ({@code jcmd VM.native_memory summary}, one line a part), when
     * the broker runs with {@code -XX:NativeMemoryTracking=summary}; Netty's direct memory counts under Other.
     */
    String nativeMemory() throws Exception {
        return jcmd("VM.native_memory summary").lines().filter(l -> l.startsWith("-") || l.startsWith("Total"))
            .map(l -> l.replaceAll("^-\\s*", "").replaceAll("\\(reserved=\\d+KB, ", "(").replaceAll("\\s+", " "))
            .collect(java.util.stream.Collectors.joining("; "));
    }

    private String jcmd(String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        BenchException.check(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "jcmd " + command + ": " + out);
        return out;
    }

    /** The broker's {@code exec_broker_sessions_open} from its ops listener's /metrics. */
    int sessionsOpen() throws Exception {
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + opsPort + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = SESSIONS_OPEN.matcher(metrics.body());
        BenchException.check(metrics.statusCode() == 200 && m.find(), "no exec_broker_sessions_open in /metrics: HTTP "
            + metrics.statusCode());
        return (int) Double.parseDouble(m.group(1));
    }

    private Path proc(String file) {
        return Path.of("/proc", Long.toString(pid()), file);
    }

    /** SIGTERM (the broker's graceful stop: its sessions' processes are killed), then SIGKILL after a minute. */
    @Override
    public void close() throws Exception {
        try {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            Files.deleteIfExists(config);
        }
    }
}
