package io.execbroker.broker.bench;

import java.util.Random;
import java.util.zip.CRC32;

/** The stdin of the echo run: seeded random bytes (every byte value) and their CRC32. */
final class Payload {
    final byte[] bytes;
    final long crc;

    private Payload(byte[] bytes) {
        this.bytes = bytes;
        CRC32 crc32 = new CRC32();
        crc32.update(bytes);
        this.crc = crc32.getValue();
    }

    static Payload random(int size) {
        byte[] bytes = new byte[size];
        new Random(0x5eedL + size).nextBytes(bytes);
        return new Payload(bytes);
    }

    /** Throws unless exactly these bytes came back. */
    void verify(String who, long receivedBytes, long receivedCrc) {
        BenchException.check(receivedBytes == bytes.length,
            who + " echo: got " + receivedBytes + " bytes back, sent " + bytes.length);
        BenchException.check(receivedCrc == crc, who + " echo: CRC32 of the bytes read back is "
            + Long.toHexString(receivedCrc) + ", of the bytes sent " + Long.toHexString(crc));
    }
}
