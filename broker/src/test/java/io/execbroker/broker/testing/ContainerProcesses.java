package io.execbroker.broker.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Reads (and kills) the fixture container's processes through direct Docker execs of {@code ps} (and {@code kill}). */
public final class ContainerProcesses {
    private ContainerProcesses() {
    }

    /**
     * Returns a {@code sleep} duration no other run uses, like {@code 3456789012}, so that a test looks for its own
     * process and never for one a crashed earlier run left behind.
     */
    public static String uniqueSleep() {
        return String.valueOf(1_000_000_000L + java.util.concurrent.ThreadLocalRandom.current().nextLong(1_000_000_000L));
    }

    /** Returns the output of {@code ps -o pid,args} in the fixture container. */
    public static String list(DockerClient docker) {
        return list(docker, DockerFixture.CONTAINER);
    }

    /** Returns the output of {@code ps -o pid,args} in {@code container}. */
    public static String list(DockerClient docker, String container) {
        return ps(docker, container, "pid,args");
    }

    /**
     * Returns the processes of the fixture container whose command line mentions {@code tag}, like a {@code sleep}
     * duration from {@link #uniqueSleep()}, each as {@code pid ppid args}: the process itself, and any shell whose
     * script names it.
     */
    public static List<Row> mentioning(DockerClient docker, String tag) {
        return ps(docker, DockerFixture.CONTAINER, "pid,ppid,args").lines().skip(1).map(Row::parse)
            .filter(row -> row.args().contains(tag)).toList();
    }

    /**
     * Returns the ids of the execs Docker holds for the fixture container: those that run and those that ended
     * lately. Compared with {@link #execsMentioning}, it shows whether a test's handshakes created an exec.
     */
    public static Set<String> execIds(DockerClient docker) {
        List<String> ids = docker.inspectContainerCmd(DockerFixture.CONTAINER).exec().getExecIds();
        return ids == null ? Set.of() : Set.copyOf(ids);
    }

    /**
     * Returns the argument lists of the execs created since {@code before} (from {@link #execIds}) whose arguments
     * mention {@code tag}. Other execs may come and go in the container meanwhile (other tests', and this class's
     * own {@code ps}); only those that name the tag count.
     */
    public static List<List<String>> execsMentioning(DockerClient docker, Set<String> before, String tag) {
        return execIds(docker).stream().filter(id -> !before.contains(id))
            .map(id -> docker.inspectExecCmd(id).exec().getProcessConfig().getArguments())
            .filter(args -> args != null && args.stream().anyMatch(arg -> arg.contains(tag)))
            .map(List::copyOf).toList();
    }

    /** Sends KILL to {@code pid} of the fixture container (its pid inside the container), with the shell's kill. */
    public static void kill(DockerClient docker, long pid) {
        run(docker, DockerFixture.CONTAINER, "sh", "-c", "kill -9 " + pid);
    }

    /**
     * One line of {@code ps -o pid,ppid,args}, pids as the container sees them.
     *
     * @param pid the process's pid
     * @param ppid its parent's, 1 when it is an orphan the container's init took over
     * @param args its command line
     */
    public record Row(long pid, long ppid, String args) {
        static Row parse(String line) {
            String[] fields = line.strip().split(" +", 3);
            return new Row(Long.parseLong(fields[0]), Long.parseLong(fields[1]), fields.length > 2 ? fields[2] : "");
        }
    }

    private static String ps(DockerClient docker, String container, String format) {
        return run(docker, container, "ps", "-o", format);
    }

    private static String run(DockerClient docker, String container, String... argv) {
        try {
            String id = docker.execCreateCmd(container).withCmd(argv)
                .withAttachStdout(true).exec().getId();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            docker.execStartCmd(id).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.writeBytes(frame.getPayload());
                }
            }).awaitCompletion(30, TimeUnit.SECONDS);
            return out.toString(StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Returns true if a process whose command line starts with {@code commandLine} runs in the container, like
     * {@code sleep 1234}; a shell whose script merely mentions it does not count.
     */
    public static boolean running(DockerClient docker, String commandLine) {
        return running(docker, DockerFixture.CONTAINER, commandLine);
    }

    /** Returns true if a process whose command line starts with {@code commandLine} runs in {@code container}. */
    public static boolean running(DockerClient docker, String container, String commandLine) {
        return list(docker, container).lines().skip(1).map(String::strip)
            .map(line -> line.substring(line.indexOf(' ') + 1).strip())
            .anyMatch(args -> args.startsWith(commandLine));
    }
}
