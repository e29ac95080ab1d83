package io.execbroker.broker.policy;

/**
 * Docker cannot say now what a container is: it is unreachable, answered with an error, or did not answer in
 * time. The message names Docker and what went wrong, in words fit for a client, like {@code Docker is
 * unreachable}; never a socket path or a stack. The cause, if any, holds the underlying failure for the log.
 */
public final class DockerUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DockerUnavailableException(String message) {
        super(message, null, false, false);
    }

    public DockerUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
