package io.execbroker.broker.docker;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of one exec, as teardown tracks them from scan to scan of its container: the exec's root process
 * and everything it started, known by pid and start time, so that a process survives in it when its parent dies
 * and a pid used again never enters it. Pure logic, no {@code /proc}: {@link ProcessTable} reads the scans. Not
 * thread safe: one teardown uses it, one scan at a time.
 *
 * <p>A process of the container belongs to the exec when it is
 * <ol>
 *   <li>a member of an earlier scan, still the same process (pid and start time), wherever its parent went;
 *   <li>in the root's session or process group, when the root leads them (Docker's exec root does) and the
 *       session or group is still the root's: a member of this or an earlier scan is still in it. A pid, and so
 *       a session or group id, is not used again while any process is in that session or group, so the id
 *       cannot have passed to a newer session of someone else's;
 *   <li>a child of a process that belongs to it.
 * </ol>
 * Every exec in a container shares its cgroup, so the cgroup alone says nothing of who started a process; the
 * container's init and another session's exec meet none of these rules.
 */
final class ExecTree {
    private final ProcStat root;
    /** Every process ever found, by pid: a pid seen again with another start time is another process. */
    private final Map<Long, ProcStat> known = new LinkedHashMap<>();

    private ExecTree(ProcStat root) {
        this.root = root;
        known.put(root.pid(), root);
    }

    /** Returns the tree of the exec whose root process is {@code root}, read from the container's scan. */
    static ExecTree of(ProcStat root) {
        return new ExecTree(root);
    }

    /**
     * Returns the tree of an exec whose root has exited, from what the root left in its session or group: the root
     * stands in as a dead process that no live one can match, and its pid still names the session and the group.
     */
    static ExecTree leftoversOf(long rootPid, Collection<ProcStat> leftovers) {
        ExecTree tree = new ExecTree(new ProcStat(rootPid, "", 'X', 0, rootPid, rootPid, -1));
        leftovers.forEach(p -> tree.known.put(p.pid(), p));
        return tree;
    }

    ProcStat root() {
        return root;
    }

    /**
     * Returns the processes of {@code scan} (every process of the container, as read now) that belong to the exec,
     * parents before their children, and remembers them for the next scan. Dead ones (zombies) are included: they
     * still hold their pid, session and group.
     */
    List<ProcStat> members(Collection<ProcStat> scan) {
        Map<Long, ProcStat> now = new HashMap<>();
        scan.forEach(p -> now.put(p.pid(), p));
        Map<Long, ProcStat> found = new LinkedHashMap<>();
        for (ProcStat member : known.values()) {
            ProcStat current = now.get(member.pid());
            if (current != null && current.sameProcess(member)) {
                found.put(current.pid(), current);
            }
        }
        boolean session = root.session() == root.pid()
            && found.values().stream().anyMatch(p -> p.session() == root.pid());
        boolean group = root.pgrp() == root.pid() && found.values().stream().anyMatch(p -> p.pgrp() == root.pid());
        for (ProcStat p : now.values()) {
            if (session && p.session() == root.pid() || group && p.pgrp() == root.pid()) {
                found.putIfAbsent(p.pid(), p);
            }
        }
        List<ProcStat> order = topDown(found, children(now.values()));
        order.forEach(p -> known.put(p.pid(), p));
        return order;
    }

    /**
     * Returns {@code found} and all their descendants in the scan, parents before their children. Signalled in this
     * order, a parent is gone before its child dies, so a shell cannot start a new child in reply (a child killed
     * first can be replaced by one no scan has seen, which the parent's death then sends to the container's init).
     */
    private static List<ProcStat> topDown(Map<Long, ProcStat> found, Map<Long, List<ProcStat>> children) {
        Map<Long, ProcStat> all = new LinkedHashMap<>(found);
        List<ProcStat> pending = new ArrayList<>(found.values());
        for (int i = 0; i < pending.size(); i++) {
            for (ProcStat child : children.getOrDefault(pending.get(i).pid(), List.of())) {
                if (all.putIfAbsent(child.pid(), child) == null) {
                    pending.add(child);
                }
            }
        }
        List<ProcStat> order = new ArrayList<>();
        all.values().stream().filter(p -> !all.containsKey(p.ppid()) || p.ppid() == p.pid())
            .sorted(Comparator.comparingLong(ProcStat::pid)).forEach(order::add);
        for (int i = 0; i < order.size(); i++) {
            for (ProcStat child : children.getOrDefault(order.get(i).pid(), List.of())) {
                if (all.containsKey(child.pid())) {
                    order.add(child);
                }
            }
        }
        return order;
    }

    private static Map<Long, List<ProcStat>> children(Collection<ProcStat> scan) {
        Map<Long, List<ProcStat>> children = new HashMap<>();
        scan.stream().sorted(Comparator.comparingLong(ProcStat::pid))
            .forEach(p -> children.computeIfAbsent(p.ppid(), k -> new ArrayList<>()).add(p));
        return children;
    }
}
