package io.execbroker.broker.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Frame;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Reads the fixture container's process list through a direct Docker exec of {@code ps}. */
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
        try {
            String id = docker.execCreateCmd(container).withCmd("ps", "-o", "pid,args")
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
