package io.execbroker.broker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventTallyTest {
    private static String event(long timeNano) {
        return "{\"status\":\"kill\",\"Type\":\"container\",\"Action\":\"kill\",\"time\":1,\"timeNano\":" + timeNano + "}";
    }

    @Test
    void readsTimeNanoOfDockersJson() {
        assertThat(EventTally.timeNano(event(1765108800123456789L))).isEqualTo(1765108800123456789L);
        assertThat(EventTally.timeNano("{\"Type\":\"container\"}")).isEqualTo(-1);
    }

    @Test
    void countsOnlyTheWindowsEventsAndTheirLatency() {
        EventTally tally = new EventTally(2, 16);
        long now = EventTally.epochNanos();
        tally.startWindow(now - 1_000_000_000L);
        tally.received(0, event(now - 2_000_000_000L)); // before the window
        tally.received(0, event(now - 500_000_000L));
        tally.received(1, event(now - 500_000_000L));
        tally.endWindow(now);
        tally.received(1, event(now + 1_000_000_000L)); // after the window

        assertThat(tally.deliveredInWindow()).isEqualTo(2);
        long[] latencies = tally.latencies();
        assertThat(latencies).hasSize(2);
        assertThat(java.util.Arrays.stream(latencies).min().getAsLong()).isGreaterThanOrEqualTo(500_000_000L);
        assertThat(tally.ready()).isEqualTo(2);
    }

    @Test
    void aReceiverIsPastTheWindowOnceItGotALaterEventAndALostOneIsNotWaitedFor() {
        EventTally tally = new EventTally(3, 1);
        tally.received(0, event(200));
        tally.received(1, event(100));
        tally.lost(2);
        tally.lost(2);

        assertThat(tally.notPast(150)).isEqualTo(1);
        assertThat(tally.lost()).isEqualTo(1);
        tally.received(1, event(300));
        assertThat(tally.notPast(150)).isZero();
    }
}
