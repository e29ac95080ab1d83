package io.execbroker.broker.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * WebSocket frames on a plain socket, for tests that need what no well-behaved client sends: junk that is never
 * read back, a frame far over the limit, bytes sent before the 101 arrives. Client frames are masked, as RFC 6455
 * requires, with an all-zero key so that the payload bytes stay readable in the test.
 */
public final class RawWebSocket {
    /** The opcode of a continuation frame: the next fragment of a message. */
    public static final int CONTINUATION = 0x0;
    /** The opcode of a text frame. */
    public static final int TEXT = 0x1;
    /** The opcode of a binary frame. */
    public static final int BINARY = 0x2;
    /** The opcode of a ping frame. */
    public static final int PING = 0x9;
    /** The opcode of a close frame. */
    public static final int CLOSE = 0x8;
    /** The opcode of a pong frame. */
    public static final int PONG = 0xA;

    private RawWebSocket() {
    }

    /** A frame from the server: its opcode and payload (server frames are not masked). */
    public record ServerFrame(int opcode, byte[] payload) {
        /** Returns the status code of a close frame. */
        public int closeCode() {
            assertThat(opcode).as("opcode").isEqualTo(CLOSE);
            return (payload[0] & 0xff) << 8 | payload[1] & 0xff;
        }

        /** Returns the reason of a close frame. */
        public String closeReason() {
            return new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
        }
    }

    /** Returns a whole masked final frame with {@code payload}. */
    public static byte[] clientFrame(int opcode, byte... payload) {
        return clientFrame(opcode, true, payload);
    }

    /** Returns a whole masked frame with {@code payload}: final, or a fragment that more frames continue. */
    public static byte[] clientFrame(int opcode, boolean last, byte... payload) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.writeBytes(clientHeader(opcode, last, payload.length));
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    /** Returns the header of a masked final frame of {@code length} payload bytes, mask key included. */
    public static byte[] clientHeader(int opcode, long length) {
        return clientHeader(opcode, true, length);
    }

    private static byte[] clientHeader(int opcode, boolean last, long length) {
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        header.write((last ? 0x80 : 0) | opcode);
        if (length < 126) {
            header.write(0x80 | (int) length);
        } else if (length <= 0xffff) {
            header.write(0x80 | 126);
            header.write((int) (length >> 8));
            header.write((int) length);
        } else {
            header.write(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                header.write((int) (length >> shift));
            }
        }
        header.writeBytes(new byte[4]); // the mask key
        return header.toByteArray();
    }

    /** Reads the HTTP response head, up to and with the blank line. */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended in the response head: " + head);
            }
            head.append((char) b);
        }
        return head.toString();
    }

    /** Reads one frame from the server. */
    public static ServerFrame readFrame(InputStream in) throws IOException {
        byte[] start = in.readNBytes(2);
        if (start.length < 2) {
            throw new EOFException("connection ended before a frame");
        }
        int opcode = start[0] & 0x0f;
        long length = start[1] & 0x7f;
        if (length == 126) {
            length = readUnsigned(in, 2);
        } else if (length == 127) {
            length = readUnsigned(in, 8);
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length) {
            throw new EOFException("connection ended in a frame of " + length + " bytes");
        }
        return new ServerFrame(opcode, payload);
    }

    private static long readUnsigned(InputStream in, int bytes) throws IOException {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection ended in a frame header");
            }
            value = value << 8 | b;
        }
        return value;
    }
}
