package io.execbroker.broker.docker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The processes this broker sees in {@code /proc}, and which container each belongs to (its
 * {@code /proc/PID/cgroup} names the container's id). Every call reads {@code /proc} and blocks, so call it on a
 * worker, never on an event loop. Thread safe.
 *
 * <p>A process can exit, and its pid be used again, between two reads of its files. A process is only reported
 * as in a container when its cgroup named the container both before and after its stat was read, so the stat
 * never belongs to a process of another container.
 */
public final class ProcessTable {
    private final Path proc;

    /** A table of {@code proc}, the mount point of procfs; {@code /proc} but in tests. */
    public ProcessTable(Path proc) {
        this.proc = proc;
    }

    /** Returns the table of this host's {@code /proc}. */
    public static ProcessTable system() {
        return new ProcessTable(Path.of("/proc"));
    }

    /** Returns the stat of {@code pid}, or empty if there is no such process. */
    public Optional<ProcStat> stat(long pid) {
        return read(Long.toString(pid), "stat").map(ProcStat::parse);
    }

    /** Returns the contents of {@code /proc/PID/cgroup}, or empty if there is no such process. */
    public Optional<String> cgroup(long pid) {
        return read(Long.toString(pid), "cgroup");
    }

    /**
     * Returns the inode of this process's pid namespace ({@code /proc/self/ns/pid}).
     *
     * @throws UncheckedIOException if it cannot be read
     */
    public long pidNamespace() {
        try {
            Object inode = Files.getAttribute(proc.resolve("self").resolve("ns").resolve("pid"), "unix:ino");
            return ((Number) inode).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + proc.resolve("self/ns/pid"), e);
        }
    }

    /**
     * Returns {@code /proc/PID/environ}, or empty if there is no such process or it may not be read (another
     * user's process without CAP_SYS_PTRACE).
     */
    public Optional<byte[]> environ(long pid) {
        try {
            return Optional.of(Files.readAllBytes(proc.resolve(Long.toString(pid)).resolve("environ")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Returns the stat of {@code pid} if it is a process of container {@code containerId}, else empty. */
    public Optional<ProcStat> inContainer(long pid, String containerId) {
        return inContainer(Long.toString(pid), containerId);
    }

    /** Returns every process of container {@code containerId}: every {@code /proc} entry whose cgroup names it. */
    public List<ProcStat> container(String containerId) {
        List<ProcStat> found = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(proc, ProcessTable::isPid)) {
            for (Path entry : entries) {
                inContainer(entry.getFileName().toString(), containerId).ifPresent(found::add);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + proc, e);
        }
        return found;
    }

    private Optional<ProcStat> inContainer(String pid, String containerId) {
        if (!names(pid, containerId)) {
            return Optional.empty();
        }
        Optional<ProcStat> stat = read(pid, "stat").map(ProcStat::parse);
        return stat.isPresent() && names(pid, containerId) ? stat : Optional.empty();
    }

    private boolean names(String pid, String containerId) {
        return !containerId.isEmpty() && read(pid, "cgroup").map(c -> c.contains(containerId)).orElse(false);
    }

    /** Reads {@code /proc/PID/file}; empty once the process is gone (its entry, or the file in it, went away). */
    private Optional<String> read(String pid, String file) {
        try {
            return Optional.of(Files.readString(proc.resolve(pid).resolve(file)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // ESRCH on a file of an entry that is going away, as the process exits
            if (Files.notExists(proc.resolve(pid))) {
                return Optional.empty();
            }
            throw new UncheckedIOException("cannot read " + proc.resolve(pid).resolve(file), e);
        }
    }

    private static boolean isPid(Path entry) {
        String name = entry.getFileName().toString();
        return !name.isEmpty() && name.chars().allMatch(Character::isDigit);
    }
}
