package io.execbroker.protocol.frame;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One v1 message: a type and its payload. Immutable; the payload is copied in and out, so frames are safe to
 * share between threads. Data-plane code that moves bulk bytes encodes straight from its own buffers with
 * {@link io.execbroker.protocol.codec.FrameEncoder} and never builds frames.
 */
public final class Frame {
    private static final byte[] EMPTY = new byte[0];

    private final FrameType type;
    private final byte[] payload;

    private Frame(FrameType type, byte[] payload) {
        this.type = type;
        this.payload = payload;
    }

    /** Returns a frame of {@code type} with a copy of {@code payload}; no payload checks (see the decoder). */
    public static Frame of(FrameType type, byte[] payload) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(payload, "payload");
        return new Frame(type, payload.length == 0 ? EMPTY : payload.clone());
    }

    /** Returns a frame of {@code type} with a copy of {@code length} bytes of {@code source} from {@code offset}. */
    public static Frame of(FrameType type, byte[] source, int offset, int length) {
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(offset, length, source.length);
        return new Frame(type, length == 0 ? EMPTY : Arrays.copyOfRange(source, offset, offset + length));
    }

    /** Returns a frame with no payload, like {@code resume}. */
    public static Frame of(FrameType type) {
        return of(type, EMPTY);
    }

    public static Frame stdin(byte[] bytes) {
        return of(FrameType.STDIN, bytes);
    }

    public static Frame stdout(byte[] bytes) {
        return of(FrameType.STDOUT, bytes);
    }

    public static Frame stderr(byte[] bytes) {
        return of(FrameType.STDERR, bytes);
    }

    /** Returns a resize frame; rows and cols are 0-65535 (uint16). */
    public static Frame resize(int rows, int cols) {
        checkUint16("rows", rows);
        checkUint16("cols", cols);
        return new Frame(FrameType.RESIZE, new byte[] {
            (byte) rows, (byte) (rows >>> 8), (byte) cols, (byte) (cols >>> 8)});
    }

    /** Returns a stopped frame; {@code exitCode} is 0-255, as Docker reports it. */
    public static Frame stopped(int exitCode) {
        if (exitCode < 0 || exitCode > 255) {
            throw new IllegalArgumentException("exitCode: " + exitCode + " (expected: 0-255)");
        }
        return new Frame(FrameType.STOPPED, new byte[] {(byte) exitCode});
    }

    public static Frame error(String message) {
        return new Frame(FrameType.ERROR, message.getBytes(StandardCharsets.UTF_8));
    }

    public FrameType type() {
        return type;
    }

    /** Returns a copy of the payload. */
    public byte[] payload() {
        return payload.clone();
    }

    public int payloadLength() {
        return payload.length;
    }

    /** Returns the rows of a resize frame. */
    public int rows() {
        requireType(FrameType.RESIZE);
        return uint16le(0);
    }

    /** Returns the cols of a resize frame. */
    public int cols() {
        requireType(FrameType.RESIZE);
        return uint16le(2);
    }

    /** Returns the exit code of a stopped frame, 0-255. */
    public int exitCode() {
        requireType(FrameType.STOPPED);
        return payload[0] & 0xff;
    }

    /** Returns the message of an error frame (malformed UTF-8 is replaced, never thrown). */
    public String text() {
        requireType(FrameType.ERROR);
        return new String(payload, StandardCharsets.UTF_8);
    }

    private int uint16le(int offset) {
        return (payload[offset] & 0xff) | (payload[offset + 1] & 0xff) << 8;
    }

    private void requireType(FrameType expected) {
        if (type != expected) {
            throw new IllegalStateException("frame is " + type + " (expected: " + expected + ")");
        }
    }

    private static void checkUint16(String name, int value) {
        if (value < 0 || value > 0xffff) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0-65535)");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame other && type == other.type && Arrays.equals(payload, other.payload);
    }

    @Override
    public int hashCode() {
        return 31 * type.hashCode() + Arrays.hashCode(payload);
    }

    /** Returns the type and up to 32 payload bytes as hex, like {@code STDOUT[68690a]}. */
    @Override
    public String toString() {
        int shown = Math.min(payload.length, 32);
        String hex = HexFormat.of().formatHex(payload, 0, shown);
        return type + "[" + hex + (shown < payload.length ? "...+" + (payload.length - shown) : "") + "]";
    }
}
