package io.execbroker.broker.events;

import io.execbroker.broker.testing.RawHandshake;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A watcher that does not read: a plain socket with a small receive buffer, so the broker's queue fills soon (a
 * WebSocket client library would keep reading into its own memory). It reads later, all at once.
 */
final class RawWatcher implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;

    RawWatcher(int port, String target, String token) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(4096);
        socket.setSoTimeout(30_000);
        socket.connect(new InetSocketAddress("127.0.0.1", port));
        socket.getOutputStream().write(RawHandshake.request(target, "Authorization: Bearer " + token));
        in = new DataInputStream(socket.getInputStream());
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("not upgraded: " + head);
        }
    }

    /** The text messages received before the close, and the close frame's code and reason. */
    record Received(List<String> messages, int closeCode, String reason) {
    }

    /** Reads every message up to the server's close frame. */
    Received readAll() throws IOException {
        List<String> messages = new ArrayList<>();
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int b0 = in.readUnsignedByte();
            int b1 = in.readUnsignedByte();
            long length = b1 & 0x7f;
            if (length == 126) {
                length = in.readUnsignedShort();
            } else if (length == 127) {
                length = in.readLong();
            }
            byte[] payload = new byte[Math.toIntExact(length)];
            in.readFully(payload);
            int opcode = b0 & 0x0f;
            if (opcode == 8) {
                int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                String reason = payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
                return new Received(messages, code, reason);
            }
            if (opcode == 1 || opcode == 0) {
                message.write(payload);
                if ((b0 & 0x80) != 0) {
                    messages.add(message.toString(StandardCharsets.UTF_8));
                    message.reset();
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
