package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** When reading from Docker pauses to let bulk output gather, on a Netty channel whose clock the test moves. */
class ReadCoalescingTest {
    private static final int KIB = 1024;
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final ReadCoalescing coalescing = new ReadCoalescing(channel);

    @BeforeEach
    void frozenClock() {
        channel.freezeTime();
    }

    private void advance(long micros) {
        channel.advanceTimeBy(micros, TimeUnit.MICROSECONDS);
        channel.runScheduledPendingTasks();
    }

    private boolean reading() {
        return channel.config().isAutoRead();
    }

    @Test
    void smallOutputIsReadAsItComes() {
        for (int i = 0; i < 1000; i++) {
            coalescing.onRead(100, false); // a busy terminal: every read drains the socket
            assertThat(reading()).isTrue();
            advance(10);
        }
    }

    @Test
    void aBulkBurstThatDrainedTheSocketPausesReadingForTheWait() {
        for (int i = 0; i < 3; i++) {
            coalescing.onRead(KIB, true); // reads that each filled their buffer: one burst
        }
        assertThat(reading()).as("more is in the socket: Netty reads it at once").isTrue();
        coalescing.onRead(KIB, false);
        assertThat(reading()).as("4 KiB, and the socket drained").isFalse();

        advance(ReadCoalescing.MIN_WAIT_MICROS - 1);
        assertThat(reading()).isFalse();
        advance(1);
        assertThat(reading()).isTrue();
    }

    @Test
    void heldReadsStayHeldWhenAWaitEndsAndGoOnWhenReleased() {
        coalescing.hold(true);
        assertThat(reading()).as("held").isFalse();
        coalescing.hold(false);
        assertThat(reading()).as("released").isTrue();

        coalescing.onRead(8 * KIB, false); // a bulk burst: a wait begins
        coalescing.hold(true);
        advance(ReadCoalescing.MAX_WAIT_MICROS);
        assertThat(reading()).as("the wait ended while held").isFalse();
        coalescing.hold(false);
        assertThat(reading()).isTrue();
    }

    @Test
    void releasedDuringAWaitTheReadsWaitForItsEnd() {
        coalescing.onRead(8 * KIB, false);
        coalescing.hold(true);
        coalescing.hold(false);
        assertThat(reading()).as("still in the wait").isFalse();
        advance(ReadCoalescing.MIN_WAIT_MICROS);
        assertThat(reading()).isTrue();
    }

    @Test
    void theBurstCountsFromTheLastDrainedRead() {
        coalescing.onRead(3 * KIB, false);
        coalescing.onRead(3 * KIB, false);
        assertThat(reading()).as("two small bursts are not one bulk burst").isTrue();
    }

    @Test
    void aFullSocketStillWaits() {
        for (int i = 0; i < 3; i++) {
            coalescing.onRead(64 * KIB, true); // the socket held all it can: read it, then wait as ever
        }
        coalescing.onRead(16 * KIB, false);
        assertThat(reading()).isFalse();
    }

    /** Reads one drained burst of {@code bytes} that gathered during the last wait, and waits out the next one. */
    private long burstAfterWait(int bytes) {
        coalescing.onRead(bytes, false);
        long wait = coalescing.waitMicros();
        advance(wait);
        assertThat(reading()).isTrue();
        return wait;
    }

    @Test
    void slowBulkOutputWaitsLongerUpToTheMost() {
        assertThat(burstAfterWait(32 * KIB)).as("the first wait is the shortest").isEqualTo(ReadCoalescing.MIN_WAIT_MICROS);
        // 32 KiB per ms, as tty output here: four times as long to gather the target, then the most
        assertThat(burstAfterWait(32 * KIB)).isEqualTo(4 * ReadCoalescing.MIN_WAIT_MICROS);
        assertThat(burstAfterWait(64 * KIB)).isEqualTo(ReadCoalescing.MAX_WAIT_MICROS);
    }

    @Test
    void aWaitThatGatheredMoreThanTheTargetShrinksInProportion() {
        burstAfterWait(16 * KIB);
        assertThat(burstAfterWait(16 * KIB)).isEqualTo(ReadCoalescing.MAX_WAIT_MICROS);
        assertThat(burstAfterWait(ReadCoalescing.TARGET_BURST_BYTES * 8 / 7)).isEqualTo(3500);
    }

    @Test
    void aNearlyFullSocketBringsBackTheShortestWait() {
        burstAfterWait(16 * KIB);
        assertThat(burstAfterWait(16 * KIB)).isEqualTo(ReadCoalescing.MAX_WAIT_MICROS);
        assertThat(burstAfterWait(ReadCoalescing.NEAR_FULL_BYTES)).as("Docker may have had to stop writing")
            .isEqualTo(ReadCoalescing.MIN_WAIT_MICROS);
    }

    @Test
    void aBurstThatDidNotFollowAWaitGetsTheShortestWait() {
        burstAfterWait(16 * KIB);
        assertThat(burstAfterWait(16 * KIB)).isEqualTo(ReadCoalescing.MAX_WAIT_MICROS);
        coalescing.onRead(100, false); // the burst after the wait: small output, no wait
        assertThat(burstAfterWait(16 * KIB)).as("this burst gathered with no wait before it")
            .isEqualTo(ReadCoalescing.MIN_WAIT_MICROS);
    }

    @Test
    void aChannelVertxHoldsIsLeftToVertx() {
        channel.config().setAutoRead(false); // Vert.x's flow control: a paused socket's queue is full
        coalescing.onRead(ReadCoalescing.BULK_BYTES, false);
        advance(10 * ReadCoalescing.MIN_WAIT_MICROS);
        assertThat(reading()).as("only Vert.x may switch it back on").isFalse();
    }

    @Test
    void oneWaitAtATime() {
        coalescing.onRead(64 * KIB, false);
        channel.config().setAutoRead(true); // Vert.x resumed the socket during the wait
        coalescing.onRead(64 * KIB, false);
        advance(ReadCoalescing.MIN_WAIT_MICROS);
        assertThat(reading()).isTrue();
        coalescing.onRead(64 * KIB, false);
        assertThat(reading()).as("a new wait once the last one ended").isFalse();
    }
}
