package io.execbroker.broker.docker;

import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;

/**
 * Runs granted commands in containers, in two steps so that a session whose client left in between starts
 * nothing: {@link #create} makes the exec (nothing runs yet), {@link #start} runs it and attaches its stream.
 */
public interface ExecLauncher {
    /** Creates the exec for {@code grant}; returns its id. Nothing runs yet. */
    Future<String> create(ExecGrant grant);

    /** Starts exec {@code execId}; completes once its stream is attached (Docker answered 101). */
    Future<ExecHandle> start(String execId, boolean tty);
}
