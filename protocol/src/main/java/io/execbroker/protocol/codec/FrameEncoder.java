package io.execbroker.protocol.codec;

import io.execbroker.protocol.frame.Frame;
import io.execbroker.protocol.frame.FrameType;
import io.execbroker.protocol.frame.ProtocolLimits;

import java.util.Objects;

/** Turns frames into v1 messages. Stateless and thread safe. */
public final class FrameEncoder {
    private FrameEncoder() {
    }

    /** Returns the message for {@code frame}: its type byte, then its payload. */
    public static byte[] encode(Frame frame) {
        Objects.requireNonNull(frame, "frame");
        byte[] payload = frame.payload();
        byte[] message = new byte[ProtocolLimits.HEADER_BYTES + payload.length];
        message[0] = frame.type().codeByte();
        System.arraycopy(payload, 0, message, ProtocolLimits.HEADER_BYTES, payload.length);
        return message;
    }

    /**
     * Returns the message of type {@code type} that carries {@code length} bytes of {@code source} from
     * {@code offset}, without building a {@link Frame}: the data-plane path.
     */
    public static byte[] encode(FrameType type, byte[] source, int offset, int length) {
        Objects.requireNonNull(type, "type");
        Objects.checkFromIndexSize(offset, length, source.length);
        byte[] message = new byte[ProtocolLimits.HEADER_BYTES + length];
        message[0] = type.codeByte();
        System.arraycopy(source, offset, message, ProtocolLimits.HEADER_BYTES, length);
        return message;
    }
}
