package io.execbroker.broker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

/**
 * The JVM flags the load bench measured ({@link LoadOptions#DEPLOYED_JVM}) are the ones every deploy file starts
 * the broker with, so that a change to one is a change to all (or this fails).
 */
class DeployedJvmFlagsTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final List<String> FLAGS = LoadOptions.DEPLOYED_JVM.stream().filter(f -> f.startsWith("-")).toList();
    private static final String ENV = "MALLOC_ARENA_MAX=2";

    @Test
    void theDeployedSetIsFlagsAndOneEnvironmentVariable() {
        assertThat(LoadOptions.DEPLOYED_JVM).containsOnlyOnce(ENV).containsAll(FLAGS)
            .hasSize(FLAGS.size() + 1);
    }

    @Test
    void bothImagesStartJavaWithThem() throws Exception {
        String array = FLAGS.stream().map(f -> "\"" + f + "\"").collect(Collectors.joining(", "));
        for (String file : List.of("Dockerfile", "Dockerfile.scratch")) {
            String text = Files.readString(DEPLOY.resolve("docker").resolve(file));
            assertThat(text).as(file).contains("java\", " + array + ", \"-jar\"").contains("ENV " + ENV + "\n");
        }
    }

    @Test
    void theSystemdUnitAndTheDemoStartJavaWithThem() throws Exception {
        String line = String.join(" ", FLAGS);
        assertThat(Files.readString(DEPLOY.resolve("systemd").resolve("exec-broker.service")))
            .contains("ExecStart=/usr/bin/java " + line + " -jar ").contains("Environment=" + ENV + "\n");
        String demo = Files.readString(DEPLOY.resolve("demo.sh"));
        // Every broker the demo starts (one, or two with --two-hosts) is started by one function.
        assertThat(demo).contains("BROKER_JVM=(" + line + ")\n")
            .contains("env " + ENV + " \"$@\" java \"${BROKER_JVM[@]}\" -jar ");
    }
}
