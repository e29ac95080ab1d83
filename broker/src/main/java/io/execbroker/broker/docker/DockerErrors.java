package io.execbroker.broker.docker;

import com.github.dockerjava.api.exception.DockerException;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns Docker failures into short messages fit for a client: Docker's own message, no stack, no JSON. */
public final class DockerErrors {
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final int MAX_CHARS = 300;

    private DockerErrors() {
    }

    /**
     * Returns what went wrong when {@code failure} is a failed TLS handshake with Docker (anywhere in its causes),
     * like {@code TLS handshake with Docker failed: Docker's certificate is not trusted (DOCKER_CERT_PATH/ca.pem)};
     * empty for any other failure. Names the side and the reason, never key material.
     */
    public static Optional<String> tlsFailure(Throwable failure) {
        javax.net.ssl.SSLException deepest = null;
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getMessage()).append('\n');
            if (t instanceof javax.net.ssl.SSLException ssl) {
                deepest = ssl; // Vert.x wraps the JDK's reason in "Failed to create SSL connection"
            }
        }
        return deepest == null ? Optional.empty()
            : Optional.of("TLS handshake with Docker failed: " + tlsReason(all.toString(), deepest));
    }

    private static String tlsReason(String text, javax.net.ssl.SSLException ssl) {
        if (text.contains("PKIX") || text.contains("unable to find valid certification path")) {
            return "Docker's certificate is not trusted (expected: signed by DOCKER_CERT_PATH/ca.pem)";
        }
        if (text.contains("No subject alternative") || text.contains("No name matching")) {
            return "Docker's certificate does not name its host (" + cut(ssl.getMessage()) + ")";
        }
        if (text.contains("bad_certificate") || text.contains("certificate_unknown") || text.contains("certificate_required")
                || text.contains("unknown_ca")) {
            return "Docker refused the broker's client certificate (DOCKER_CERT_PATH/cert.pem): " + cut(ssl.getMessage());
        }
        return cut(String.valueOf(ssl.getMessage()));
    }

    private static String cut(String text) {
        String stripped = text.strip();
        return stripped.length() > MAX_CHARS ? stripped.substring(0, MAX_CHARS) + "..." : stripped;
    }

    /** Returns each cause of {@code failure}, outermost first, like {@code IOException: x <- SSLException: y}. */
    public static String causes(Throwable failure) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(text.length() == 0 ? "" : " <- ").append(t.getClass().getSimpleName()).append(": ")
                .append(cut(String.valueOf(t.getMessage())));
        }
        return text.toString();
    }

    /**
     * Returns what a client may be told when Docker could not be asked at all: {@code Docker did not answer in time}
     * (a call's timeout) or {@code Docker is unreachable} (no socket, connection refused or reset); empty when Docker
     * answered (its error is a {@link DockerException}), for a failed TLS handshake (see {@link #tlsFailure}) and for
     * any failure that is not I/O. Never a socket path or an address: those are the deployment's, not the client's.
     */
    public static Optional<String> unreachable(Throwable failure) {
        if (failure instanceof DockerException || tlsFailure(failure).isPresent()) {
            return Optional.empty();
        }
        boolean io = false;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.io.InterruptedIOException) {
                return Optional.of("Docker did not answer in time");
            }
            io |= t instanceof java.io.IOException;
        }
        return io ? Optional.of("Docker is unreachable") : Optional.empty();
    }

    /** Returns what went wrong, like {@code No such container: web-1} or {@code Docker is unreachable}. */
    public static String describe(Throwable failure) {
        Optional<String> unreachable = unreachable(failure);
        if (unreachable.isPresent()) {
            return unreachable.get();
        }
        String text = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        if (failure instanceof DockerException) {
            Matcher m = MESSAGE.matcher(text);
            if (m.find()) {
                text = m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
        }
        text = text.strip();
        return text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) + "..." : text;
    }
}
