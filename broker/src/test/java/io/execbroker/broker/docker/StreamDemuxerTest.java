package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class StreamDemuxerTest {
    private final List<String> out = new ArrayList<>();
    private final StreamDemuxer demuxer = new StreamDemuxer((stream, chunk) ->
        out.add(stream + ":" + HexFormat.of().formatHex(chunk.getBytes())));

    private static Buffer hex(String hex) {
        return Buffer.buffer(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    @Test
    void splitsStdoutAndStderrFrames() {
        // stdout "hi", then stderr "e": stream byte, 3 zero bytes, uint32 BE size, payload
        demuxer.feed(hex("01000000 00000002 6869 02000000 00000001 65"));
        assertThat(out).containsExactly("STDOUT:6869", "STDERR:65");
        assertThat(demuxer.atFrameBoundary()).isTrue();
    }

    @Test
    void headerAndPayloadMaySplitAnywhere() {
        byte[] stream = HexFormat.of().parseHex("0100000000000003616263" + "0200000000000001ff");
        for (byte b : stream) {
            demuxer.feed(Buffer.buffer(new byte[] {b}));
        }
        assertThat(out).containsExactly("STDOUT:61", "STDOUT:62", "STDOUT:63", "STDERR:ff");
    }

    @Test
    void payloadChunksArePassedOnWithoutGatheringTheFrame() {
        demuxer.feed(hex("01000000 00100000 00"));
        assertThat(out).containsExactly("STDOUT:00");
        assertThat(demuxer.atFrameBoundary()).isFalse();
    }

    @Test
    void emptyFramesProduceNothing() {
        demuxer.feed(hex("01000000 00000000 02000000 00000001 41"));
        assertThat(out).containsExactly("STDERR:41");
    }

    @Test
    void dockersOwnErrorStreamIsKeptApart() {
        demuxer.feed(hex("03000000 00000002 6e6f"));
        assertThat(out).containsExactly("SYSTEM_ERROR:6e6f");
    }

    @Test
    void rejectsAnUnknownStream() {
        assertThatThrownBy(() -> demuxer.feed(hex("07000000 00000001 41")))
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("corrupt exec stream: frame header names stream 7 (expected: 1, 2 or 3)");
    }

    @Test
    void largeSizesAreUnsigned() {
        demuxer.feed(hex("01000000 ffffffff 41"));
        assertThat(out).containsExactly("STDOUT:41");
        assertThat(demuxer.atFrameBoundary()).isFalse();
    }
}
