package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

class StreamDemuxerTest {
    private final List<String> out = new ArrayList<>();
    private final List<ByteBuf> chunks = new ArrayList<>();
    private final StreamDemuxer demuxer = new StreamDemuxer((stream, chunk) -> {
        chunks.add(chunk);
        // the first byte is the spare one: the payload follows it
        out.add(stream + ":" + HexFormat.of().formatHex(ByteBufUtil.getBytes(chunk, chunk.readerIndex() + 1,
            chunk.readableBytes() - 1)));
    });

    /** A read as the stream gets it: the bytes after one spare byte. */
    private static ByteBuf read(byte[] bytes) {
        return Unpooled.buffer(bytes.length + 1).writeByte(0xee).writeBytes(bytes).readerIndex(1);
    }

    private static ByteBuf hex(String hex) {
        return read(HexFormat.of().parseHex(hex.replace(" ", "")));
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
            demuxer.feed(read(new byte[] {b}));
        }
        assertThat(out).containsExactly("STDOUT:61", "STDOUT:62", "STDOUT:63", "STDERR:ff");
    }

    @Test
    void framesOfOneStreamInOneReadLeaveAsOneChunk() {
        demuxer.feed(hex("01000000 00000002 6869 01000000 00000001 21 02000000 00000001 65"
            + " 01000000 00000001 7a 01000000 00000000 01000000 00000002 7a7a"));
        assertThat(out).containsExactly("STDOUT:686921", "STDERR:65", "STDOUT:7a7a7a");
    }

    @Test
    void closingUpHeadersWorksInDirectMemoryAndOverLongPayloads() {
        // two 4 KiB frames whose bytes count up, as dockerd frames head's output: the second moves 8 bytes left
        byte[] payload = new byte[4096];
        for (int i = 0; i < payload.length; i++) {
            payload[i] = (byte) i;
        }
        ByteBuf read = Unpooled.directBuffer(1 + 2 * (8 + payload.length)).writeByte(0xee);
        for (int frame = 0; frame < 2; frame++) {
            read.writeBytes(HexFormat.of().parseHex("0100000000001000")).writeBytes(payload);
        }
        demuxer.feed(read.readerIndex(1));
        assertThat(chunks).hasSize(1);
        ByteBuf chunk = chunks.get(0);
        byte[] expected = new byte[2 * payload.length];
        System.arraycopy(payload, 0, expected, 0, payload.length);
        System.arraycopy(payload, 0, expected, payload.length, payload.length);
        assertThat(ByteBufUtil.getBytes(chunk, chunk.readerIndex() + 1, chunk.readableBytes() - 1)).isEqualTo(expected);
        read.release();
        chunk.release();
        assertThat(read.refCnt()).isZero();
    }

    @Test
    void aFrameThatGoesOnInTheNextReadJoinsTheFramesAfterIt() {
        demuxer.feed(hex("01000000 00000003 61"));
        demuxer.feed(hex("6263 01000000 00000001 64 02000000 00000001 65"));
        assertThat(out).containsExactly("STDOUT:61", "STDOUT:626364", "STDERR:65");
        assertThat(demuxer.atFrameBoundary()).isTrue();
    }

    @Test
    void payloadChunksArePassedOnWithoutGatheringTheFrame() {
        demuxer.feed(hex("01000000 00100000 00"));
        assertThat(out).containsExactly("STDOUT:00");
        assertThat(demuxer.atFrameBoundary()).isFalse();
    }

    @Test
    void eachChunkIsASliceOfTheReadStartingOneByteEarlyAndReleasesWithIt() {
        ByteBuf read = hex("01000000 00000002 6869 02000000 00000001 65");
        demuxer.feed(read);
        assertThat(chunks).hasSize(2);
        // chunk 1 starts on the header's last size byte, chunk 2 likewise: overwriting it costs nothing
        chunks.get(0).setByte(chunks.get(0).readerIndex(), 1);
        assertThat(read.getByte(8)).isEqualTo((byte) 1);
        read.release();
        assertThat(read.refCnt()).isEqualTo(2);
        chunks.forEach(ByteBuf::release);
        assertThat(read.refCnt()).isZero();
    }

    @Test
    void aChunkThatStartsTheReadTakesTheSpareByte() {
        demuxer.feed(hex("01000000 00000004 6869"));
        ByteBuf rest = hex("6a6b");
        demuxer.feed(rest);
        assertThat(out).containsExactly("STDOUT:6869", "STDOUT:6a6b");
        assertThat(chunks.get(1).getByte(chunks.get(1).readerIndex())).isEqualTo((byte) 0xee);
    }

    @Test
    void refusesAReadWithoutASpareByte() {
        assertThatThrownBy(() -> demuxer.feed(Unpooled.wrappedBuffer(new byte[] {1})))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("a read needs a spare byte before its data");
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
