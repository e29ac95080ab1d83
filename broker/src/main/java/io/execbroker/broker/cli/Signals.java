package io.execbroker.broker.cli;

/**
 * SIGTERM and SIGINT handling. A JVM shutdown hook cannot choose the exit status (a TERM ends in 143), but a
 * broker that stopped cleanly must exit 0; {@code sun.misc.Signal} (module jdk.unsupported, present on every
 * JDK) replaces the default handler, and the command exits normally once the stop is done.
 */
final class Signals {
    private Signals() {
    }

    /** Runs {@code stop} once on the first SIGTERM or SIGINT. */
    static void onStop(Runnable stop) {
        java.util.concurrent.atomic.AtomicBoolean once = new java.util.concurrent.atomic.AtomicBoolean();
        sun.misc.SignalHandler handler = signal -> {
            if (once.compareAndSet(false, true)) {
                stop.run();
            }
        };
        sun.misc.Signal.handle(new sun.misc.Signal("TERM"), handler);
        sun.misc.Signal.handle(new sun.misc.Signal("INT"), handler);
    }
}
