package io.execbroker.broker.bench;

/**
 * One way of running docker exec in {@code servertest}: through the broker, directly on the Docker API, or with
 * the docker CLI. Each operation runs one whole exec and verifies what came back before it returns.
 */
interface Subject extends AutoCloseable {
    String name();

    /**
     * Runs {@code head -c bytes /dev/zero} and reads all of its stdout; fails unless exactly {@code bytes} bytes
     * and exit code 0 arrive. The time is from the first byte to the last, the bytes those after the first read.
     */
    Transfer stdout(long bytes, boolean tty) throws Exception;

    /**
     * Sends {@code payload} to {@code cat} (tty off), ends stdin, reads the bytes back; fails unless the same
     * bytes (length and CRC32) and exit code 0 come back. The time is from the first write to the last byte read.
     */
    Transfer echo(Payload payload) throws Exception;

    /** Runs {@code true}; returns nanoseconds from "start connecting" to "exit code 0 received". */
    long setupTrue() throws Exception;

    /** Opens one {@code cat} session (tty off) for byte round trips. */
    Echo openEcho() throws Exception;

    /** One open {@code cat}: one byte out, the same byte back. */
    interface Echo extends AutoCloseable {
        /** Sends {@code b}, waits until it comes back; returns the nanoseconds that took. */
        long roundTrip(byte b) throws Exception;

        /** Ends stdin and waits for the exit code. */
        @Override
        void close() throws Exception;
    }

    /** {@code bytes} moved in {@code nanos}. */
    record Transfer(long bytes, long nanos) {
        double mibPerSecond() {
            return bytes / (1024.0 * 1024.0) / (nanos / 1e9);
        }
    }
}
