package io.execbroker.broker.docker;

import java.util.OptionalLong;

/**
 * What exec inspect says of one exec.
 *
 * @param running whether the process runs now
 * @param pid the process's pid in the Docker host's pid namespace; 0 until it started, and for ever if it never did
 * @param exitCode the exit code once it exited, as Docker reports it (128+n when killed by signal n)
 * @param containerId the full id of the container the exec runs in
 */
public record ExecState(boolean running, long pid, OptionalLong exitCode, String containerId) {
    /** Returns true if the process never started (no such binary, say): Docker gives it no pid. */
    public boolean failedToStart() {
        return !running && pid == 0 && exitCode.isPresent();
    }

    /** Returns true once the process has exited and its exit code is known. */
    public boolean exited() {
        return !running && exitCode.isPresent();
    }
}
