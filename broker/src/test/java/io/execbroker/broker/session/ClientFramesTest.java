package io.execbroker.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClientFramesTest {
    private final RecordingSink sink = new RecordingSink();
    private final List<String> events = sink.events();
    private final ClientFrames frames = new ClientFrames(8, sink);

    @AfterEach
    void nothingElseHappened() {
        assertThat(events).isEmpty();
    }

    @Test
    void stdinInOneFrameIsPassedOnWithoutItsTypeByte() {
        frames.handle(binary(true, 0x00, 0x61, 0x62));
        assertThat(take()).containsExactly("stdin 6162");
    }

    @Test
    void stdinInPiecesIsPassedOnPieceByPiece() {
        frames.handle(binary(false, 0x00, 0x61));
        frames.handle(continuation(false));
        frames.handle(continuation(true, 0x62, 0x63));
        assertThat(take()).containsExactly("stdin 61", "stdin 6263");
    }

    @Test
    void controlMessagesArePutBackTogether() {
        frames.handle(binary(false, 0x03));
        frames.handle(continuation(false, 0x00, 0x18));
        frames.handle(continuation(true, 0x00, 0x50));
        frames.handle(binary(true, 0x06));
        assertThat(take()).containsExactly("message 0300180050", "message 06");
    }

    @Test
    void aStdinMessageWhoseTypeComesInTheSecondFrameIsOneMessage() {
        frames.handle(binary(false));
        frames.handle(continuation(true, 0x00, 0x61));
        assertThat(take()).containsExactly("message 0061");
    }

    @Test
    void messageOverTheBoundStopsEverything() {
        frames.handle(binary(false, 0x00, 1, 2, 3, 4));
        frames.handle(continuation(true, 5, 6, 7, 8));
        frames.handle(binary(true, 0x06));
        assertThat(take()).containsExactly("stdin 01020304", "too big 8");
    }

    @Test
    void boundCountsEachMessageAfresh() {
        frames.handle(binary(true, 0x00, 1, 2, 3, 4, 5, 6, 7));
        frames.handle(binary(true, 0x00, 1, 2, 3, 4, 5, 6, 7));
        assertThat(take()).containsExactly("stdin 01020304050607", "stdin 01020304050607");
    }

    @Test
    void anEmptyMessageIsPassedOnForTheDecoderToReject() {
        frames.handle(binary(true));
        assertThat(take()).containsExactly("message ");
    }

    @Test
    void textStopsEverything() {
        frames.handle(WebSocketFrame.textFrame("hi", true));
        frames.handle(binary(true, 0x06));
        assertThat(take()).containsExactly("text");
    }

    @Test
    void pingsAreNotMessages() {
        frames.handle(WebSocketFrame.pingFrame(Buffer.buffer("p")));
        frames.handle(binary(true, 0x06));
        assertThat(take()).containsExactly("message 06");
    }

    private List<String> take() {
        List<String> taken = new ArrayList<>(events);
        events.clear();
        return taken;
    }

    private static WebSocketFrame binary(boolean last, int... bytes) {
        return WebSocketFrame.binaryFrame(buffer(bytes), last);
    }

    private static WebSocketFrame continuation(boolean last, int... bytes) {
        return WebSocketFrame.continuationFrame(buffer(bytes), last);
    }

    private static Buffer buffer(int... bytes) {
        Buffer buffer = Buffer.buffer();
        for (int b : bytes) {
            buffer.appendByte((byte) b);
        }
        return buffer;
    }
}
