package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The signal order of teardown, on a local process tree (no Docker needed). */
class ExecTerminatorTest {

    @Test
    void topDownListsEveryParentBeforeItsChildren() throws Exception {
        // sh -> (sh -> sleep, sleep): two levels below the root.
        Process root = new ProcessBuilder("sh", "-c", "sh -c 'sleep 300; :' & sleep 300; wait").start();
        try {
            ProcessHandle handle = root.toHandle();
            await().atMost(Duration.ofSeconds(10)).until(() -> handle.descendants().count() == 3);

            List<ProcessHandle> order = ExecTerminator.topDown(handle);

            assertThat(order).hasSize(4).first().isEqualTo(handle);
            for (int i = 1; i < order.size(); i++) {
                long parent = order.get(i).parent().orElseThrow().pid();
                assertThat(order.subList(0, i)).as("parent of %s listed before it", order.get(i))
                    .anyMatch(p -> p.pid() == parent);
            }
        } finally {
            root.descendants().forEach(ProcessHandle::destroyForcibly);
            root.destroyForcibly();
        }
    }

    @Test
    void aZombieIsDeadAndALiveProcessIsNot() throws Exception {
        // The shell starts a child that exits at once, then becomes `sleep 300`, which never collects it: a zombie.
        Process root = new ProcessBuilder("sh", "-c", "sleep 0 & exec sleep 300").start();
        try {
            ProcessHandle parent = root.toHandle();
            await().atMost(Duration.ofSeconds(10)).until(() -> parent.children().anyMatch(
                child -> ExecTerminator.isDead(child.pid(), "")));

            assertThat(ExecTerminator.isDead(parent.pid(), "")).as("sleep 300 runs").isFalse();
            assertThat(ExecTerminator.isDead(parent.pid(), "a-container-it-is-not-in")).as("a recycled pid").isTrue();
        } finally {
            root.destroyForcibly().waitFor();
        }
        assertThat(ExecTerminator.isDead(root.pid(), "")).as("reaped: gone").isTrue();
    }
}
