package io.execbroker.broker.session;

import io.execbroker.protocol.frame.FrameType;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;

import java.util.Objects;

/**
 * Turns the client's WebSocket frames into protocol v1 messages. A {@code stdin} message is passed on frame by
 * frame as it arrives, payload only: the bulk path is neither put back together nor copied (Vert.x's message
 * handler copies every message once more). Any other message is put back together; they are a few bytes. Every
 * message, stdin included, is bounded by {@code maxMessageBytes}. Ping, pong and close frames are Vert.x's. Not
 * thread safe: feed it from the WebSocket's event loop.
 */
final class ClientFrames implements Handler<WebSocketFrame> {
    /** Where the messages go. */
    interface Sink {
        /** A part of a {@code stdin} message's payload, never empty, in order. */
        void stdin(Buffer data);

        /** A whole message other than {@code stdin} (type byte included), or a {@code stdin} sent in pieces. */
        void message(Buffer message);

        /** A text frame arrived: protocol v1 has none. Nothing more is passed on. */
        void text();

        /** A message grew past {@code maxMessageBytes}. Nothing more is passed on. */
        void tooBig(int maxMessageBytes);
    }

    private final int maxMessageBytes;
    private final Sink sink;
    /** Bytes of the current message so far, type byte included; 0 between messages. */
    private long messageBytes;
    /** True while the current message is stdin, passed on as it comes. */
    private boolean streamingStdin;
    /** The current message other than stdin, while it is put back together; null between messages. */
    private Buffer partial;
    /** False while {@code partial} is still the first frame's buffer, which is not ours to grow. */
    private boolean partialOwned;
    private boolean stopped;

    ClientFrames(int maxMessageBytes, Sink sink) {
        if (maxMessageBytes <= 0) {
            throw new IllegalArgumentException("maxMessageBytes: " + maxMessageBytes + " (expected: > 0)");
        }
        this.maxMessageBytes = maxMessageBytes;
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void handle(WebSocketFrame frame) {
        if (stopped) {
            return;
        }
        switch (frame.type()) {
            case TEXT -> {
                stopped = true;
                sink.text();
                return;
            }
            case BINARY, CONTINUATION -> {
                // data: below
            }
            default -> {
                return; // ping, pong, close
            }
        }
        Buffer data = frame.binaryData();
        messageBytes += data.length();
        if (messageBytes > maxMessageBytes) {
            stopped = true;
            partial = null;
            sink.tooBig(maxMessageBytes);
            return;
        }
        if (frame.type() == WebSocketFrameType.BINARY) {
            startMessage(data);
        } else if (streamingStdin) {
            passStdin(data, 0);
        } else {
            append(data);
        }
        if (frame.isFinal()) {
            Buffer whole = partial;
            partial = null;
            messageBytes = 0;
            streamingStdin = false;
            if (whole != null) { // an empty message too: the decoder says what is wrong with it
                sink.message(whole);
            }
        }
    }

    private void startMessage(Buffer data) {
        streamingStdin = data.length() > 0 && data.getByte(0) == FrameType.STDIN.codeByte();
        if (streamingStdin) {
            passStdin(data, 1);
        } else {
            // The frame's own buffer: most messages are one frame. A continuation appends to a copy.
            partial = data;
            partialOwned = false;
        }
    }

    private void append(Buffer data) {
        if (partial == null) {
            partial = Buffer.buffer(data.length());
            partialOwned = true;
        } else if (!partialOwned) {
            partial = Buffer.buffer(partial.length() + data.length()).appendBuffer(partial);
            partialOwned = true;
        }
        partial.appendBuffer(data);
    }

    private void passStdin(Buffer data, int from) {
        if (data.length() > from) {
            sink.stdin(from == 0 ? data : data.slice(from, data.length()));
        }
    }
}
