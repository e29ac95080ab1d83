package io.execbroker.broker.docker;

import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;
import io.vertx.core.net.NetClient;

/** Launches execs with docker-java for the control calls and {@link ExecStream} for the stream. Thread safe. */
public final class DockerExecLauncher implements ExecLauncher {
    private final DockerControl control;
    private final ExecTerminator terminator;
    private final NetClient streams;
    private final DockerEndpoint endpoint;

    public DockerExecLauncher(DockerControl control, ExecTerminator terminator, NetClient streams,
                              DockerEndpoint endpoint) {
        this.control = control;
        this.terminator = terminator;
        this.streams = streams;
        this.endpoint = endpoint;
    }

    @Override
    public Future<String> create(ExecGrant grant) {
        return control.createExec(grant);
    }

    @Override
    public Future<ExecHandle> start(String execId, boolean tty) {
        return ExecStream.open(streams, endpoint.address(), endpoint.hostHeader(), execId, tty)
            .map(stream -> new ExecHandle(execId, stream, control, terminator));
    }
}
