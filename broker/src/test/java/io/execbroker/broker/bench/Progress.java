package io.execbroker.broker.bench;

/** Progress lines on stderr, with the seconds since the start; the report itself goes to stdout. */
final class Progress {
    private final long start = System.nanoTime();

    void say(String message) {
        System.err.printf("[%6.1fs] %s%n", seconds(), message);
        System.err.flush();
    }

    double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }
}
