package io.execbroker.broker.docker;

import io.netty.buffer.ByteBuf;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReadMemoryTest {
    @Test
    void aReleasedFullSizeBufferLendsItsMemoryToTheNextOne() {
        // empty the shared free list first (other tests fill it), so the next buffer can only reuse ours
        List<ByteBuf> drained = new ArrayList<>();
        while (ReadMemory.freeBuffers() > 0) {
            drained.add(ReadMemory.directBuffer(ReadMemory.RECYCLED_BYTES));
        }
        ByteBuf first = ReadMemory.directBuffer(ReadMemory.RECYCLED_BYTES);
        long address = first.memoryAddress();
        first.writeBytes(new byte[] {1, 2, 3});
        first.release();
        assertThat(ReadMemory.freeBuffers()).isEqualTo(1);

        ByteBuf next = ReadMemory.directBuffer(ReadMemory.RECYCLED_BYTES);
        assertThat(next.memoryAddress()).isEqualTo(address);
        assertThat(next.readableBytes()).as("a reused buffer starts empty").isZero();
        assertThat(next.writableBytes()).isEqualTo(ReadMemory.RECYCLED_BYTES);
        next.release();
        drained.forEach(ByteBuf::release);
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
