package io.execbroker.broker.bench;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * What {@code n} event receivers (watchers or direct streams, numbered 0..n-1) got: per receiver whether it got
 * any event at all, and the newest {@code timeNano} it got; for the events of the measured window (their
 * {@code timeNano} within {@link #window}), how many were received and each one's latency, receive time minus
 * {@code timeNano}, both on this host's wall clock (Docker runs here). Thread safe: receivers call
 * {@link #received} from their event loops, and it only counts and stores.
 */
final class EventTally {
    /** Most latencies kept (8 MiB); past its capacity deliveries are still counted, their latency not. */
    static final int MAX_SAMPLES = 1 << 20;
    private static final String TIME_NANO = "\"timeNano\":";

    private final int receivers;
    private final AtomicIntegerArray seenAny;
    private final AtomicIntegerArray gone;
    private final AtomicLongArray newest;
    private final AtomicInteger ready = new AtomicInteger();
    private final AtomicInteger lost = new AtomicInteger();
    private final LongAdder inWindow = new LongAdder();
    private final LongAccumulator lastReceived = new LongAccumulator(Math::max, Long.MIN_VALUE);
    private final AtomicLongArray latencies;
    private final AtomicInteger samples = new AtomicInteger();
    private volatile long from = Long.MAX_VALUE;
    private volatile long to = Long.MAX_VALUE;

    /** Counts for {@code receivers} receivers, keeping {@code capacity} latencies (at most {@value #MAX_SAMPLES}). */
    EventTally(int receivers, int capacity) {
        this.receivers = receivers;
        this.latencies = new AtomicLongArray(Math.max(1, Math.min(capacity, MAX_SAMPLES)));
        this.seenAny = new AtomicIntegerArray(receivers);
        this.gone = new AtomicIntegerArray(receivers);
        this.newest = new AtomicLongArray(receivers);
    }

    /** Returns this host's wall clock in Unix nanoseconds (microsecond resolution on Linux), as Docker's timeNano. */
    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** Returns the {@code timeNano} of one event's JSON, or -1 when it has none. */
    static long timeNano(String json) {
        int at = json.indexOf(TIME_NANO);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        int digits = 0;
        for (int i = at + TIME_NANO.length(); i < json.length(); i++) {
            char c = json.charAt(i);
            if (c < '0' || c > '9') {
                break;
            }
            value = value * 10 + (c - '0');
            digits++;
        }
        return digits == 0 ? -1 : value;
    }

    /** Counts one event that receiver {@code who} got now. */
    void received(int who, String json) {
        long now = epochNanos();
        long time = timeNano(json);
        if (seenAny.compareAndSet(who, 0, 1)) {
            ready.incrementAndGet();
        }
        newest.accumulateAndGet(who, time, Math::max);
        if (time >= from && time <= to) {
            inWindow.increment();
            lastReceived.accumulate(now);
            int slot = samples.getAndIncrement();
            if (slot < latencies.length()) {
                latencies.set(slot, now - time);
            }
        }
    }

    /** Notes that receiver {@code who} ended before the bench closed it (closed by the broker, or by Docker). */
    void lost(int who) {
        if (gone.compareAndSet(who, 0, 1)) {
            lost.incrementAndGet();
        }
    }

    /** Starts the window at {@code fromNanos}; its end is open until {@link #endWindow}. */
    void startWindow(long fromNanos) {
        to = Long.MAX_VALUE;
        from = fromNanos;
    }

    void endWindow(long toNanos) {
        to = toNanos;
    }

    int receivers() {
        return receivers;
    }

    /** Returns how many receivers got at least one event. */
    int ready() {
        return ready.get();
    }

    int lost() {
        return lost.get();
    }

    /**
     * Returns how many receivers, of those not lost, have not yet got an event newer than {@code nanos}. Docker sends
     * each stream its events in order, so a receiver that got one newer than the window's end has all of it.
     */
    int notPast(long nanos) {
        int behind = 0;
        for (int i = 0; i < receivers; i++) {
            if (newest.get(i) <= nanos && gone.get(i) == 0) {
                behind++;
            }
        }
        return behind;
    }

    long deliveredInWindow() {
        return inWindow.sum();
    }

    /** Returns when the last event of the window was received, in Unix nanoseconds; {@code Long.MIN_VALUE} if none. */
    long lastReceivedNanos() {
        return lastReceived.get();
    }

    /** Returns the latencies of the window's deliveries, in nanoseconds (as many as there was room for). */
    long[] latencies() {
        long[] copy = new long[Math.min(samples.get(), latencies.length())];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = latencies.get(i);
        }
        return copy;
    }
}
