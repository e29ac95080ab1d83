package io.execbroker.broker.bench;

import java.io.IOException;
import java.io.InputStream;
import java.util.zip.CRC32;

/** Reads an output stream to its end on the calling thread, counting (and checksumming) what arrives. */
final class StreamReads {
    private static final int BUFFER = 64 * 1024;

    private StreamReads() {
    }

    /** What one read to the end saw; the times are {@link System#nanoTime}, the CRC32 is of all bytes. */
    record Seen(long total, long crc, long firstReadBytes, long firstNanos, long lastNanos) {
        /** The bytes after the first read, and the time from the first read to the {@code expected}-th byte. */
        Subject.Transfer transfer() {
            return new Subject.Transfer(total - firstReadBytes, lastNanos - firstNanos);
        }
    }

    /** Reads to the end; {@code lastNanos} is when the {@code expected}-th byte arrived (0 if it never did). */
    static Seen readAll(InputStream in, long expected, boolean checksum) throws IOException {
        byte[] buffer = new byte[BUFFER];
        CRC32 crc = new CRC32();
        long total = 0;
        long firstReadBytes = 0;
        long first = 0;
        long last = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            if (n == 0) {
                continue;
            }
            long now = System.nanoTime();
            if (total == 0) {
                first = now;
                firstReadBytes = n;
            }
            if (checksum) {
                crc.update(buffer, 0, n);
            }
            total += n;
            if (last == 0 && total >= expected) {
                last = now;
            }
        }
        return new Seen(total, crc.getValue(), firstReadBytes, first, last);
    }
}
