package io.execbroker.broker.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Finds the dockerd that listens on the bench's unix socket, for its memory: the socket's inode in
 * {@code /proc/net/unix}, then the process named {@code dockerd} holding it. Another engine on the host (such as
 * the tests' second engine) has another socket, so it is never taken for this one.
 */
final class DockerdProcess {
    private DockerdProcess() {
    }

    /** Returns the pid, or empty when Docker is not reached by a unix socket of this host or it cannot be seen. */
    static OptionalLong of(URI dockerHost) {
        if (!"unix".equals(dockerHost.getScheme())) {
            return OptionalLong.empty();
        }
        try {
            String inode = listeningInode(dockerHost.getPath());
            if (inode == null) {
                return OptionalLong.empty();
            }
            String target = "socket:[" + inode + "]";
            try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path process : processes) {
                    if (isDockerd(process) && holds(process, target)) {
                        return OptionalLong.of(Long.parseLong(process.getFileName().toString()));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** Returns the inode of the listening socket bound to {@code path} ({@code /proc/net/unix}, flag 0x10000). */
    private static String listeningInode(String path) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 8 && f[7].equals(path) && (Integer.parseInt(f[3], 16) & 0x10000) != 0) {
                return f[6];
            }
        }
        return null;
    }

    private static boolean isDockerd(Path process) {
        try {
            return Files.readString(process.resolve("comm")).trim().equals("dockerd");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean holds(Path process, String target) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().equals(target)) {
                        return true;
                    }
                } catch (IOException e) {
                    // closed meanwhile: not this one
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
