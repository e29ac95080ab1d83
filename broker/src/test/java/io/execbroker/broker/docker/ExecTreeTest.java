package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Which processes of a container belong to an exec, scan after scan, on made-up scans: pids as the Docker host
 * sees them, 50 the containerd shim (outside the container), 100 the container's init and 107 its main process.
 */
class ExecTreeTest {
    private static final ProcStat INIT = new ProcStat(100, "docker-init", 'S', 50, 100, 100, 10);
    private static final ProcStat MAIN = new ProcStat(107, "sleep", 'S', 100, 107, 100, 11);
    /** Another session's exec in the same container, and its child. */
    private static final ProcStat OTHER = new ProcStat(300, "sh", 'S', 50, 300, 300, 900);
    private static final ProcStat OTHER_CHILD = new ProcStat(301, "sleep", 'S', 300, 300, 300, 901);
    /** The exec's root, as Docker starts it: a child of the shim, leading its own session and group. */
    private static final ProcStat ROOT = new ProcStat(200, "sh", 'S', 50, 200, 200, 1000);

    @Test
    void theFirstScanFindsTheRootAndItsDescendantsParentsFirst() {
        ProcStat subshell = new ProcStat(201, "sh", 'S', 200, 200, 200, 1001);
        ProcStat sleep = new ProcStat(202, "sleep", 'S', 201, 200, 200, 1002);
        ProcStat other = new ProcStat(199, "sleep", 'S', 200, 200, 200, 1003); // a lower pid than its parent's

        List<ProcStat> members = ExecTree.of(ROOT).members(
            List.of(INIT, MAIN, sleep, OTHER, other, subshell, ROOT, OTHER_CHILD));

        assertThat(members).containsExactly(ROOT, other, subshell, sleep);
    }

    @Test
    void childrenStayMembersWhenTheirParentDiesAndTheyGoToTheInit() {
        ExecTree tree = ExecTree.of(ROOT);
        ProcStat child = new ProcStat(201, "sh", 'S', 200, 200, 200, 1001);
        ProcStat setsid = new ProcStat(203, "sleep", 'S', 200, 203, 203, 1003);
        ProcStat grandchild = new ProcStat(204, "sleep", 'S', 201, 200, 200, 1004);
        tree.members(List.of(INIT, MAIN, ROOT, child, setsid, grandchild, OTHER));

        // TERM killed the root: its children now belong to the container's init.
        ProcStat orphan = new ProcStat(201, "sh", 'S', 100, 200, 200, 1001);
        ProcStat setsidOrphan = new ProcStat(203, "sleep", 'S', 100, 203, 203, 1003);
        ProcStat late = new ProcStat(205, "sleep", 'S', 203, 203, 203, 1005); // started by the setsid child since
        List<ProcStat> members = tree.members(List.of(INIT, MAIN, orphan, setsidOrphan, grandchild, late, OTHER));

        assertThat(members).containsExactly(orphan, setsidOrphan, grandchild, late);
    }

    @Test
    void whatAnExitedRootLeftInItsSessionIsTrackedWithItsChildren() {
        // `sh -c 'sleep 1000 &'` exited; its sleep went to the init, still in the root's session and group.
        ProcStat left = new ProcStat(205, "sleep", 'S', 100, 200, 200, 1005);
        ExecTree tree = ExecTree.leftoversOf(ROOT.pid(), List.of(left));
        ProcStat child = new ProcStat(206, "sleep", 'S', 205, 206, 206, 1006); // in a session of its own

        assertThat(tree.members(List.of(INIT, MAIN, left, child, OTHER, OTHER_CHILD)))
            .as("the leftover and its child; never the container's own processes or another exec's")
            .containsExactly(left, child);
    }

    @Test
    void backgroundProcessesOfTheRootsSessionAreFoundWithoutTheirParent() {
        ExecTree tree = ExecTree.of(ROOT);
        // `(nohup sleep &)`: its parent, a subshell, exited long before the session ended.
        ProcStat daemon = new ProcStat(205, "sleep", 'S', 100, 200, 200, 1005);
        ProcStat ownGroup = new ProcStat(206, "sleep", 'S', 100, 206, 200, 1006); // a job of an interactive shell

        assertThat(tree.members(List.of(INIT, MAIN, ROOT, daemon, ownGroup, OTHER))).containsExactly(ROOT, daemon,
            ownGroup);

        // The root is gone; the daemon still holds the session, so its id is still the root's session's.
        ProcStat started = new ProcStat(207, "sleep", 'S', 100, 200, 200, 1007);
        assertThat(tree.members(List.of(INIT, MAIN, daemon, started, OTHER))).containsExactly(daemon, started);
    }

    @Test
    void aPidUsedAgainIsNoMember() {
        ExecTree tree = ExecTree.of(ROOT);
        ProcStat child = new ProcStat(201, "sleep", 'S', 200, 201, 201, 1001);
        tree.members(List.of(INIT, ROOT, child));

        // Both exited; pid 201 now names another session's process, and 202 is its child.
        ProcStat reused = new ProcStat(201, "sh", 'S', 50, 201, 201, 5000);
        ProcStat itsChild = new ProcStat(202, "sleep", 'S', 201, 201, 201, 5001);

        assertThat(tree.members(List.of(INIT, MAIN, reused, itsChild, OTHER))).isEmpty();
    }

    @Test
    void aSessionIdUsedAgainIsNotTheRootsSession() {
        ExecTree tree = ExecTree.of(ROOT);
        tree.members(List.of(INIT, ROOT));

        // The root's session ended with it; pid 200 now leads another exec's session.
        ProcStat newLeader = new ProcStat(200, "sh", 'S', 50, 200, 200, 5000);
        ProcStat itsMember = new ProcStat(208, "sleep", 'S', 100, 200, 200, 5001);

        assertThat(tree.members(List.of(INIT, MAIN, newLeader, itsMember))).isEmpty();
    }

    @Test
    void aRootThatLeadsNoSessionBringsNoOneInByItsSession() {
        // A root in the init's session and group (not how Docker starts one): those ids are the container's.
        ProcStat root = new ProcStat(200, "sh", 'S', 100, 100, 100, 1000);

        assertThat(ExecTree.of(root).members(List.of(INIT, MAIN, root, OTHER))).containsExactly(root);
    }

    @Test
    void zombiesAreListedAndKeepTheSessionTheirs() {
        ExecTree tree = ExecTree.of(ROOT);
        tree.members(List.of(INIT, ROOT));
        ProcStat zombie = new ProcStat(200, "sh", 'Z', 50, 200, 200, 1000);
        ProcStat background = new ProcStat(209, "sleep", 'S', 100, 200, 200, 1009);

        assertThat(tree.members(List.of(INIT, zombie, background))).containsExactly(zombie, background);
    }
}
