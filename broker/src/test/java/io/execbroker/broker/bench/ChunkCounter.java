package io.execbroker.broker.bench;

import io.vertx.core.buffer.Buffer;

import java.util.zip.CRC32;

/**
 * Counts (and checksums) output chunks on an event loop: the total, and when the first chunk and the
 * {@code expected}-th byte came. Read its fields only after a happens-before edge from the event loop, such as
 * the exit-code future that completes there after the last output.
 */
final class ChunkCounter {
    private final long expected;
    final CRC32 crc;
    long total;
    long firstBytes;
    long first;
    long last;

    ChunkCounter(long expected, boolean checksum) {
        this.expected = expected;
        this.crc = checksum ? new CRC32() : null;
    }

    void add(Buffer chunk) {
        long now = System.nanoTime();
        if (total == 0) {
            first = now;
            firstBytes = chunk.length();
        }
        if (crc != null) {
            crc.update(chunk.getBytes());
        }
        total += chunk.length();
        if (last == 0 && total >= expected) {
            last = now;
        }
    }

    /** The bytes after the first chunk, over the time from the first chunk to the expected-th byte. */
    Subject.Transfer transfer() {
        return new Subject.Transfer(total - firstBytes, last - first);
    }
}
