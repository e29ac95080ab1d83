package io.execbroker.broker.bench;

/** A benchmark that cannot go on: the message says why, for the person who ran it. */
final class BenchException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    BenchException(String message) {
        super(message);
    }

    BenchException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Throws unless {@code condition}. */
    static void check(boolean condition, String message) {
        if (!condition) {
            throw new BenchException(message);
        }
    }
}
