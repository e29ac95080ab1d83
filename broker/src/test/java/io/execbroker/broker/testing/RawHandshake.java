package io.execbroker.broker.testing;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A WebSocket handshake on a plain socket, to see exactly what the broker answers before any upgrade. */
public final class RawHandshake {
    private RawHandshake() {
    }

    /** Returns the bytes of an upgrade request for {@code target}, with extra header lines. */
    public static byte[] request(String target, String... headers) {
        StringBuilder request = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
            + "Sec-WebSocket-Version: 13\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        return request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Sends the request to {@code port} and returns the response head, and the JSON body of a refusal. */
    public static String send(int port, String target, String... headers) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request(target, headers));
            byte[] buffer = new byte[4096];
            StringBuilder response = new StringBuilder();
            int n;
            while ((n = socket.getInputStream().read(buffer)) > 0) {
                response.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                if (response.toString().startsWith("HTTP/1.1 101") || response.indexOf("}") > 0) {
                    break;
                }
            }
            return response.toString();
        }
    }
}
