package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a {@code /proc}: a made-up one for containers, and this host's for a zombie. */
class ProcessTableTest {
    private static final String CONTAINER = "f53bc5b81b8294f70a43dd041d5fe707e16599ef243596e2a2c44ab3b24a9666";

    @TempDir
    Path proc;

    @Test
    void aContainersProcessesAreThoseWhoseCgroupNamesIt() throws IOException {
        process(7, "0::/docker/" + CONTAINER + "\n", "7 (sleep) S 1 1 1");
        process(8, "0::/system.slice/ssh.service\n", "8 (sshd) S 1 8 8");
        process(9, "0::/docker/" + CONTAINER + "\n", "9 (a (b) c) S 7 1 1");
        Files.createDirectories(proc.resolve("self"));
        Files.writeString(proc.resolve("uptime"), "1.0 1.0\n");

        ProcessTable table = new ProcessTable(proc);

        assertThat(table.container(CONTAINER)).extracting(ProcStat::pid).containsExactlyInAnyOrder(7L, 9L);
        assertThat(table.inContainer(8, CONTAINER)).isEmpty();
        assertThat(table.inContainer(9, CONTAINER)).get().extracting(ProcStat::comm).isEqualTo("a (b) c");
        assertThat(table.inContainer(10, CONTAINER)).as("no such process").isEmpty();
        assertThat(table.inContainer(7, "")).as("no container").isEmpty();
        assertThat(table.stat(8)).get().extracting(ProcStat::session).isEqualTo(8L);
    }

    @Test
    void aZombieIsDeadAndALiveProcessIsNot() throws Exception {
        // The shell starts a child that exits at once, then becomes `sleep 300`, which never collects it: a zombie.
        Process root = new ProcessBuilder("sh", "-c", "sleep 0 & exec sleep 300").start();
        ProcessTable table = ProcessTable.system();
        try {
            ProcessHandle parent = root.toHandle();
            await().atMost(Duration.ofSeconds(10)).until(() -> parent.children().anyMatch(
                child -> table.stat(child.pid()).map(ProcStat::dead).orElse(false)));

            assertThat(table.stat(parent.pid())).get().extracting(ProcStat::dead).as("sleep 300 runs").isEqualTo(false);
        } finally {
            root.destroyForcibly().waitFor();
        }
        assertThat(table.stat(root.pid())).as("reaped: gone").isEmpty();
    }

    private void process(long pid, String cgroup, String statStart) throws IOException {
        Path dir = Files.createDirectories(proc.resolve(Long.toString(pid)));
        Files.writeString(dir.resolve("cgroup"), cgroup);
        Files.writeString(dir.resolve("stat"), statStart + " 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 " + (100 + pid)
            + " 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0\n");
    }
}
