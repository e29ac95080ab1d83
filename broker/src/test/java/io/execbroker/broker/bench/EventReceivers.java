package io.execbroker.broker.bench;

/**
 * One way of receiving {@code servertest}'s container events, many times at once: watchers on the broker's
 * {@code /events}, or direct {@code GET /events} streams from Docker. Each receiver counts what it gets into an
 * {@link EventTally} under its own number.
 */
interface EventReceivers extends AutoCloseable {
    String name();

    /** Returns the name prefix of the receivers' own threads, for their CPU time. */
    String threadPrefix();

    /**
     * Opens {@code tally.receivers()} receivers at once; returns once every one is open (upgraded, or answered
     * 200 by Docker), or throws naming how many failed.
     */
    Opened open(EventTally tally) throws Exception;

    /** Receivers that are open; closing them is not counted as a loss. */
    interface Opened extends AutoCloseable {
        /** Closes every receiver and waits until each is closed. */
        @Override
        void close() throws Exception;
    }
}
