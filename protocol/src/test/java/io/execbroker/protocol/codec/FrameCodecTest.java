package io.execbroker.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.frame.Frame;
import io.execbroker.protocol.frame.FrameType;
import io.execbroker.protocol.frame.ProtocolLimits;

import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private final FrameDecoder server = FrameDecoder.forServer(ProtocolLimits.DEFAULT_MAX_MESSAGE_BYTES);
    private final FrameDecoder client = FrameDecoder.forClient(ProtocolLimits.DEFAULT_MAX_MESSAGE_BYTES);

    /** One vector per frame type: the frame, and its message as hex. */
    static Stream<Arguments> vectors() {
        return Stream.of(
            // stdin "hi\n"
            Arguments.of(Frame.stdin(new byte[] {'h', 'i', '\n'}), "0068690a"),
            // stdout with every awkward byte: NUL, 0xfa, 0xff
            Arguments.of(Frame.stdout(new byte[] {0, (byte) 0xfa, (byte) 0xff}), "0100faff"),
            // stderr "e"
            Arguments.of(Frame.stderr(new byte[] {'e'}), "0265"),
            // resize rows=24 (0x0018), cols=80 (0x0050), both uint16 little endian
            Arguments.of(Frame.resize(24, 80), "3218005000"),
            // resize rows=300 (0x012c), cols=65535 (0xffff)
            Arguments.of(Frame.resize(300, 65535), "322c01ffff"),
            // resume, pause, end, shutdown: the type alone
            Arguments.of(Frame.of(FrameType.RESUME), "64"),
            Arguments.of(Frame.of(FrameType.PAUSE), "65"),
            Arguments.of(Frame.of(FrameType.END), "66"),
            Arguments.of(Frame.of(FrameType.SHUTDOWN), "c9"),
            // stopped with exit code 0, 3 and 200 (unsigned: 0xc8, not -56)
            Arguments.of(Frame.stopped(0), "c800"),
            Arguments.of(Frame.stopped(3), "c803"),
            Arguments.of(Frame.stopped(200), "c8c8"),
            Arguments.of(Frame.stopped(255), "c8ff"),
            // error "no" in UTF-8
            Arguments.of(Frame.error("no"), "ca6e6f"),
            // empty stdin is a valid (if useless) frame
            Arguments.of(Frame.stdin(new byte[0]), "00"));
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void encodesToTheVector(Frame frame, String hex) {
        assertThat(HEX.formatHex(FrameEncoder.encode(frame))).isEqualTo(hex);
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void decodesTheVectorOnTheReceivingSide(Frame frame, String hex) throws ProtocolException {
        FrameDecoder receiver = frame.type().fromClient() ? server : client;
        assertThat(receiver.decode(HEX.parseHex(hex))).isEqualTo(frame);
    }

    @Test
    void typedAccessorsReadThePayload() throws ProtocolException {
        Frame resize = server.decode(HEX.parseHex("322c01ffff"));
        assertThat(resize.rows()).isEqualTo(300);
        assertThat(resize.cols()).isEqualTo(65535);
        assertThat(client.decode(HEX.parseHex("c8ff")).exitCode()).isEqualTo(255);
        assertThat(client.decode(HEX.parseHex("ca6e6f")).text()).isEqualTo("no");
    }

    @Test
    void typedAccessorRefusesTheWrongType() {
        assertThatThrownBy(() -> Frame.stdin(new byte[4]).rows())
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("frame is STDIN (expected: RESIZE)");
    }

    @Test
    void everyByteValueRoundTrips() throws ProtocolException {
        byte[] all = new byte[256];
        for (int i = 0; i < all.length; i++) {
            all[i] = (byte) i;
        }
        assertThat(server.decode(FrameEncoder.encode(Frame.stdin(all))).payload()).isEqualTo(all);
        assertThat(client.decode(FrameEncoder.encode(FrameType.STDOUT, all, 10, 200)).payload())
            .isEqualTo(java.util.Arrays.copyOfRange(all, 10, 210));
    }

    @Test
    void framesAreImmutable() {
        byte[] bytes = {1, 2, 3};
        Frame frame = Frame.stdin(bytes);
        bytes[0] = 9;
        frame.payload()[1] = 9;
        assertThat(frame.payload()).containsExactly(1, 2, 3);
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
            // nothing at all: not even a type byte
            Arguments.of("", "empty message (expected: a type byte)"),
            // resize with rows=24 (0x0018) and one byte of cols: too short
            Arguments.of("32180050", "resize with 3 payload bytes (expected: 4)"),
            // resize 24x80 and a stray 0xff: too long
            Arguments.of("3218005000ff", "resize with 5 payload bytes (expected: 4)"),
            // resize with no size at all
            Arguments.of("32", "resize with 0 payload bytes (expected: 4)"),
            // resume and end carry nothing
            Arguments.of("6400", "resume with 1 payload bytes (expected: 0)"),
            Arguments.of("66ff", "end with 1 payload bytes (expected: 0)"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedClientMessagesAreRecoverable(String hex, String message) {
        assertRecoverable(() -> server.decode(HEX.parseHex(hex)), message);
    }

    @Test
    void stoppedWithoutACodeIsRecoverable() {
        // the client decides what an exit code it cannot read means; the decoder only names the problem
        assertRecoverable(() -> client.decode(HEX.parseHex("c8")), "stopped with 0 payload bytes (expected: 1)");
    }

    @Test
    void rejectsMessagesOverTheLimitWith1009() {
        FrameDecoder small = FrameDecoder.forServer(16);
        assertFatal(() -> small.decode(new byte[17]), CloseCodes.MESSAGE_TOO_BIG,
            "message of 17 bytes (expected: <= 16)");
    }

    @Test
    void unknownCodesAreRecoverable() {
        for (String hex : List.of("03", "07aabb", "ff")) {
            assertRecoverable(() -> server.decode(HEX.parseHex(hex)),
                "unknown frame type: " + Integer.parseInt(hex.substring(0, 2), 16));
        }
    }

    @Test
    void framesFromTheWrongSideAreRecoverable() {
        assertRecoverable(() -> server.decode(HEX.parseHex("0168")), "unexpected frame type from client: 1 (STDOUT)");
        assertRecoverable(() -> client.decode(HEX.parseHex("0068")), "unexpected frame type from server: 0 (STDIN)");
    }

    @Test
    void factoriesCheckTheirRanges() {
        assertThatThrownBy(() -> Frame.stopped(256)).hasMessage("exitCode: 256 (expected: 0-255)");
        assertThatThrownBy(() -> Frame.stopped(-1)).hasMessage("exitCode: -1 (expected: 0-255)");
        assertThatThrownBy(() -> Frame.resize(65536, 1)).hasMessage("rows: 65536 (expected: 0-65535)");
        assertThatThrownBy(() -> FrameDecoder.forServer(4)).hasMessage("maxMessageBytes: 4 (expected: > 4)");
    }

    @Test
    void toStringShowsTypeAndHex() {
        assertThat(Frame.stdout(new byte[] {'h', 'i', '\n'})).hasToString("STDOUT[68690a]");
        assertThat(Frame.stdout(new byte[40]).toString()).endsWith("...+8]");
    }

    private static void assertRecoverable(ThrowingCallable call, String message) {
        assertThatThrownBy(call)
            .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.fatal()).isFalse())
            .hasMessage(message);
    }

    private static void assertFatal(ThrowingCallable call, int closeCode, String message) {
        assertThatThrownBy(call)
            .isInstanceOfSatisfying(ProtocolException.class, e -> {
                assertThat(e.fatal()).isTrue();
                assertThat(e.closeCode()).isEqualTo(closeCode);
            })
            .hasMessage(message);
    }
}
