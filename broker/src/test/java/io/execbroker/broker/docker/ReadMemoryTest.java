package io.execbroker.broker.docker;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadMemoryTest {
    @Test
    void aReleasedFullSizeBufferLendsItsMemoryToTheNextOne() {
        ByteBuf first = ReadMemory.directBuffer(ReadMemory.RECYCLED_BYTES);
        long address = first.memoryAddress();
        first.writeBytes(new byte[] {1, 2, 3});
        int freeBefore = ReadMemory.freeBuffers();
        first.release();
        assertThat(ReadMemory.freeBuffers()).isEqualTo(freeBefore + 1);

        // LIFO or FIFO, the list holds only what tests released: drain it to find the memory again
        List<ByteBuf> taken = new ArrayList<>();
        boolean reused = false;
        for (int i = 0; i <= ReadMemory.MAX_FREE && !reused; i++) {
            ByteBuf next = ReadMemory.directBuffer(ReadMemory.RECYCLED_BYTES);
            taken.add(next);
            reused = next.memoryAddress() == address;
            assertThat(next.readableBytes()).as("a reused buffer starts empty").isZero();
            assertThat(next.writableBytes()).isEqualTo(ReadMemory.RECYCLED_BYTES);
        }
        taken.forEach(ByteBuf::release);
        assertThat(reused).isTrue();
    }

    @Test
    void heldBytesCountBuffersUntilTheyAreReleased() {
        long before = ReadMemory.bytesHeld();
        ByteBuf full = ReadMemory.directBuffer(ReadMemory.RECYCLED_BYTES);
        ByteBuf small = ReadMemory.directBuffer(100);
        assertThat(ReadMemory.bytesHeld()).isEqualTo(before + ReadMemory.RECYCLED_BYTES + 100);
        full.release();
        small.release();
        assertThat(ReadMemory.bytesHeld()).isEqualTo(before);
    }

    @Test
    void otherSizesAreNotKept() {
        int freeBefore = ReadMemory.freeBuffers();
        ReadMemory.directBuffer(2049).release();
        assertThat(ReadMemory.freeBuffers()).isEqualTo(freeBefore);
    }

    @Test
    void atMostMaxFreeBuffersWaitForReuse() {
        List<ByteBuf> many = new ArrayList<>();
        for (int i = 0; i < ReadMemory.MAX_FREE + 5; i++) {
            many.add(ReadMemory.directBuffer(ReadMemory.RECYCLED_BYTES));
        }
        many.forEach(ByteBuf::release);
        assertThat(ReadMemory.freeBuffers()).isEqualTo(ReadMemory.MAX_FREE);
    }

    @Test
    void aSliceKeepsTheMemoryUntilTheLastReleaseAndCannotGrowPastIt() {
        ByteBuf read = ReadMemory.directBuffer(ReadMemory.RECYCLED_BYTES).writeBytes(new byte[] {9, 8, 7});
        long before = ReadMemory.bytesHeld();
        ByteBuf chunk = read.retainedSlice(1, 2);
        read.release();
        assertThat(ReadMemory.bytesHeld()).as("the slice still holds the read").isEqualTo(before);
        assertThat(chunk.getByte(0)).isEqualTo((byte) 8);
        chunk.release();
        assertThat(ReadMemory.bytesHeld()).isEqualTo(before - ReadMemory.RECYCLED_BYTES);
        ByteBuf next = ReadMemory.directBuffer(ReadMemory.RECYCLED_BYTES);
        assertThat(next.maxCapacity()).isEqualTo(ReadMemory.RECYCLED_BYTES);
        next.release();
    }
}
