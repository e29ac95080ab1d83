package io.execbroker.protocol.codec;

import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.frame.Frame;
import io.execbroker.protocol.frame.FrameType;
import io.execbroker.protocol.frame.ProtocolLimits;

/**
 * Turns v1 messages into frames, checking the type code, the direction and each control frame's payload size.
 * One WebSocket message is one frame, and the WebSocket layer already joins fragments, so the decoder holds no
 * state between calls: every message goes through the same checks, which end in one of two exits.
 *
 * <p>Only a message over the size limit is {@link #violation fatal}: the receiver cannot take it, whatever it says.
 * A bad message inside the limit (empty, an unknown or misdirected type, a control frame whose payload has the
 * wrong size) is {@link #malformed recoverable}: WebSocket keeps the message boundaries, so the next message is
 * as well defined as ever, and the receiver answers with an {@code error} and goes on.
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
     * @throws ProtocolException naming the problem: fatal (with close code 1009) for an oversized message;
     *     recoverable for an empty message, a type code this side does not accept, or a payload of the wrong size
     */
    public Frame decode(byte[] message) throws ProtocolException {
        if (message.length == 0) {
            throw malformed("empty message (expected: a type byte)");
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
            throw malformed(e.getMessage());
        }
        if (decodesClientFrames ? !type.fromClient() : !type.fromServer()) {
            throw malformed("unexpected frame type from "
                + (decodesClientFrames ? "client" : "server") + ": " + code + " (" + type + ")");
        }
        int payloadLength = message.length - ProtocolLimits.HEADER_BYTES;
        int expected = expectedPayloadLength(type);
        if (expected >= 0 && payloadLength != expected) {
            throw malformed(type.name().toLowerCase() + " with " + payloadLength
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

    /** A message the receiver cannot take at all: the session ends with {@code closeCode}. */
    private static ProtocolException violation(int closeCode, String message) {
        return ProtocolException.fatal(closeCode, message);
    }

    /** A message inside the limit that means nothing: answered with an {@code error}, and the session goes on. */
    private static ProtocolException malformed(String message) {
        return ProtocolException.recoverable(message);
    }
}
