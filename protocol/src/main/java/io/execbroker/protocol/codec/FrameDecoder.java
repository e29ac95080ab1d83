package io.execbroker.protocol.codec;

import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.frame.Frame;
import io.execbroker.protocol.frame.FrameType;
import io.execbroker.protocol.frame.ProtocolLimits;

/**
 * Turns v1 messages into frames, checking the type code, the direction and each control frame's payload size.
 * One WebSocket message is one frame, and the WebSocket layer already joins fragments, so the decoder holds no
 * state between calls: every message goes through the same checks, which end in one {@link #violation} exit.
 * Immutable and thread safe.
 */
public final class FrameDecoder {
    private final boolean decodesClientFrames;
    private final int maxMessageBytes;

    private FrameDecoder(boolean decodesClientFrames, int maxMessageBytes) {
        if (maxMessageBytes <= ProtocolLimits.RESIZE_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("maxMessageBytes: " + maxMessageBytes + " (expected: > "
                + ProtocolLimits.RESIZE_PAYLOAD_BYTES + ")");
        }
        this.decodesClientFrames = decodesClientFrames;
        this.maxMessageBytes = maxMessageBytes;
    }

    /** Returns the decoder a server uses: it accepts only frames a client may send. */
    public static FrameDecoder forServer(int maxMessageBytes) {
        return new FrameDecoder(true, maxMessageBytes);
    }

    /** Returns the decoder a client uses: it accepts only frames a server may send. */
    public static FrameDecoder forClient(int maxMessageBytes) {
        return new FrameDecoder(false, maxMessageBytes);
    }

    /**
     * Returns the frame in {@code message}.
     *
     * @throws ProtocolException naming the problem: fatal (with its close code) for an empty, oversized or
     *     malformed message; recoverable for a type code this side does not accept
     */
    public Frame decode(byte[] message) throws ProtocolException {
        if (message.length == 0) {
            throw violation(CloseCodes.PROTOCOL_ERROR, "empty message (expected: a type byte)");
        }
        if (message.length > maxMessageBytes) {
            throw violation(CloseCodes.MESSAGE_TOO_BIG,
                "message of " + message.length + " bytes (expected: <= " + maxMessageBytes + ")");
        }
        int code = message[0] & 0xff;
        FrameType type;
        try {
            type = FrameType.fromCode(code);
        } catch (IllegalArgumentException e) {
            throw ProtocolException.recoverable(e.getMessage());
        }
        if (decodesClientFrames ? !type.fromClient() : !type.fromServer()) {
            throw ProtocolException.recoverable("unexpected frame type from "
                + (decodesClientFrames ? "client" : "server") + ": " + code + " (" + type + ")");
        }
        int payloadLength = message.length - ProtocolLimits.HEADER_BYTES;
        int expected = expectedPayloadLength(type);
        if (expected >= 0 && payloadLength != expected) {
            throw violation(CloseCodes.PROTOCOL_ERROR, type.name().toLowerCase() + " with " + payloadLength
                + " payload bytes (expected: " + expected + ")");
        }
        return Frame.of(type, message, ProtocolLimits.HEADER_BYTES, payloadLength);
    }

    /** Returns the one payload size {@code type} allows, or -1 when any size goes. */
    private static int expectedPayloadLength(FrameType type) {
        return switch (type) {
            case STDIN, STDOUT, STDERR, ERROR -> -1;
            case RESIZE -> ProtocolLimits.RESIZE_PAYLOAD_BYTES;
            case STOPPED -> ProtocolLimits.STOPPED_PAYLOAD_BYTES;
            case RESUME, PAUSE, END, SHUTDOWN -> 0;
        };
    }

    private static ProtocolException violation(int closeCode, String message) {
        return ProtocolException.fatal(closeCode, message);
    }
}
