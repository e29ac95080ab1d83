package io.execbroker.broker.docker;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Reads the HTTP response head that answers {@code POST /exec/{id}/start} with {@code Upgrade: tcp}. The head
 * and the first stream bytes can arrive in one read, and a head can be split across reads, so it gathers bytes
 * until the blank line and hands back what follows. Not thread safe.
 */
final class UpgradeHead {
    /** Largest head accepted; Docker's is about 120 bytes (DoS protection against a confused endpoint). */
    static final int MAX_HEAD_BYTES = 16 * 1024;
    private static final byte[] END = {'\r', '\n', '\r', '\n'};

    private Buffer gathered = Buffer.buffer(256);
    private int status = -1;
    private String statusLine;
    private int bodyStart;

    /**
     * Adds {@code data}; returns true once the whole head is in.
     *
     * @throws IllegalStateException if the head is too long or its status line is not HTTP
     */
    boolean feed(Buffer data) {
        int searchFrom = Math.max(0, gathered.length() - (END.length - 1));
        gathered.appendBuffer(data);
        int end = indexOfEnd(searchFrom);
        if (end < 0) {
            if (gathered.length() > MAX_HEAD_BYTES) {
                throw new IllegalStateException("Docker's answer to exec start has no end of head within "
                    + MAX_HEAD_BYTES + " bytes");
            }
            return false;
        }
        bodyStart = end + END.length;
        String head = gathered.getString(0, end, StandardCharsets.ISO_8859_1.name());
        int lineEnd = head.indexOf("\r\n");
        statusLine = lineEnd < 0 ? head : head.substring(0, lineEnd);
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IllegalStateException("Docker's answer to exec start is not HTTP: " + printable(statusLine));
        }
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("Docker's answer to exec start has no status: " + printable(statusLine), e);
        }
        return true;
    }

    /** Returns the status code, like {@code 101}. */
    int status() {
        return status;
    }

    /** Returns the status line, like {@code HTTP/1.1 101 UPGRADED}. */
    String statusLine() {
        return statusLine;
    }

    /** Returns the bytes after the head: the start of the stream (or of the error body). */
    Buffer rest() {
        return gathered.getBuffer(bodyStart, gathered.length());
    }

    private int indexOfEnd(int from) {
        outer:
        for (int i = from; i <= gathered.length() - END.length; i++) {
            for (int j = 0; j < END.length; j++) {
                if (gathered.getByte(i + j) != END[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
