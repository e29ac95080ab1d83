package io.execbroker.protocol.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.frame.Frame;
import io.execbroker.protocol.frame.FrameType;
import io.execbroker.protocol.frame.ProtocolLimits;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Hostile messages into the decoders: whatever the bytes, a decoder returns a frame that encodes back to exactly
 * those bytes, or throws a {@link ProtocolException} with a close code of {@link CloseCodes}, fatal exactly when the
 * message is over the limit. v1 has no length field (WebSocket keeps the boundaries), so the one allocation is a
 * copy of the payload, never larger than the message.
 */
class FrameCodecFuzzTest {
    /** A small limit, so that oversized messages come up often without big arrays. */
    private static final int MAX = 64;
    private static final FrameDecoder SERVER = FrameDecoder.forServer(MAX);
    private static final FrameDecoder CLIENT = FrameDecoder.forClient(MAX);
    /** Every code {@link CloseCodes} names. */
    static final Set<Integer> CLOSE_CODES = Arrays.stream(CloseCodes.class.getFields())
        .filter(f -> Modifier.isStatic(f.getModifiers()) && f.getType() == int.class)
        .map(FrameCodecFuzzTest::value).collect(Collectors.toUnmodifiableSet());

    @Property(tries = 1000)
    void anyMessageIsAFrameOrAProtocolException(@ForAll("messages") byte[] message, @ForAll boolean server) {
        FrameDecoder decoder = server ? SERVER : CLIENT;
        try {
            Frame frame = decoder.decode(message);
            assertThat(message.length).isBetween(ProtocolLimits.HEADER_BYTES, MAX);
            assertThat(server ? frame.type().fromClient() : frame.type().fromServer()).isTrue();
            assertThat(frame.payloadLength()).isEqualTo(message.length - ProtocolLimits.HEADER_BYTES);
            assertThat(FrameEncoder.encode(frame)).isEqualTo(message);
        } catch (ProtocolException e) {
            assertThat(CLOSE_CODES).contains(e.closeCode());
            assertThat(e.fatal()).as("fatal exactly when over the limit").isEqualTo(message.length > MAX);
            assertThat(e.closeCode()).isEqualTo(e.fatal() ? CloseCodes.MESSAGE_TOO_BIG : CloseCodes.PROTOCOL_ERROR);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 1000)
    void aKnownTypeWithItsPayloadSizeIsAcceptedFromItsSideOnly(@ForAll @IntRange(min = 0, max = 255) int code,
                                                               @ForAll @Size(max = 8) byte[] payload) {
        byte[] message = new byte[1 + payload.length];
        message[0] = (byte) code;
        System.arraycopy(payload, 0, message, 1, payload.length);
        FrameType type = Arrays.stream(FrameType.values()).filter(t -> t.code() == code).findFirst().orElse(null);
        boolean sizeOk = type != null && (type.isData() || type == FrameType.ERROR
            || payload.length == switch (type) {
                case RESIZE -> ProtocolLimits.RESIZE_PAYLOAD_BYTES;
                case STOPPED -> ProtocolLimits.STOPPED_PAYLOAD_BYTES;
                default -> 0;
            });
        assertThat(decodes(SERVER, message)).isEqualTo(sizeOk && type.fromClient());
        assertThat(decodes(CLIENT, message)).isEqualTo(sizeOk && type.fromServer());
    }

    @Property(tries = 500)
    void everyClientFrameRoundTrips(@ForAll("clientFrames") Frame frame) throws ProtocolException {
        assertThat(FrameDecoder.forServer(ProtocolLimits.DEFAULT_MAX_MESSAGE_BYTES).decode(FrameEncoder.encode(frame)))
            .isEqualTo(frame);
    }

    @Property(tries = 500)
    void everyServerFrameRoundTrips(@ForAll("serverFrames") Frame frame) throws ProtocolException {
        assertThat(FrameDecoder.forClient(ProtocolLimits.DEFAULT_MAX_MESSAGE_BYTES).decode(FrameEncoder.encode(frame)))
            .isEqualTo(frame);
    }

    @Property(tries = 300)
    void theDataPlaneEncoderWritesWhatTheFrameEncoderWrites(@ForAll @Size(max = 300) byte[] source,
                                                            @ForAll @IntRange(min = 0, max = 300) int from,
                                                            @ForAll @IntRange(min = 0, max = 300) int length) {
        int offset = Math.min(from, source.length);
        int count = Math.min(length, source.length - offset);
        assertThat(FrameEncoder.encode(FrameType.STDOUT, source, offset, count))
            .isEqualTo(FrameEncoder.encode(Frame.of(FrameType.STDOUT, source, offset, count)));
    }

    /** Mostly short messages whose first byte is often a real type code, some just over the limit. */
    @Provide
    Arbitrary<byte[]> messages() {
        Arbitrary<Byte> typeByte = Arbitraries.oneOf(
            Arbitraries.of(FrameType.values()).map(FrameType::codeByte),
            Arbitraries.bytes());
        Arbitrary<byte[]> shortMessages = Combinators.combine(typeByte, Arbitraries.bytes().array(byte[].class)
            .ofMaxSize(8)).as(FrameCodecFuzzTest::prepend);
        Arbitrary<byte[]> nearTheLimit = Combinators.combine(typeByte, Arbitraries.bytes().array(byte[].class)
            .ofMinSize(MAX - 2).ofMaxSize(MAX + 2)).as(FrameCodecFuzzTest::prepend);
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(1, Arbitraries.just(new byte[0])),
            net.jqwik.api.Tuple.of(6, shortMessages),
            net.jqwik.api.Tuple.of(2, nearTheLimit),
            net.jqwik.api.Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(4 * MAX)));
    }

    @Provide
    Arbitrary<Frame> clientFrames() {
        return Arbitraries.oneOf(
            payloads().map(Frame::stdin),
            Combinators.combine(uint16(), uint16()).as(Frame::resize),
            Arbitraries.of(FrameType.RESUME, FrameType.PAUSE, FrameType.END).map(Frame::of));
    }

    @Provide
    Arbitrary<Frame> serverFrames() {
        return Arbitraries.oneOf(
            payloads().map(Frame::stdout),
            payloads().map(Frame::stderr),
            Arbitraries.integers().between(0, 255).map(Frame::stopped),
            Arbitraries.strings().ofMaxLength(200).map(Frame::error),
            Arbitraries.of(FrameType.RESUME, FrameType.PAUSE, FrameType.SHUTDOWN).map(Frame::of));
    }

    private static Arbitrary<byte[]> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(2048);
    }

    private static Arbitrary<Integer> uint16() {
        return Arbitraries.integers().between(0, 0xffff);
    }

    private static boolean decodes(FrameDecoder decoder, byte[] message) {
        try {
            decoder.decode(message);
            return true;
        } catch (ProtocolException e) {
            return false;
        }
    }

    private static byte[] prepend(byte type, byte[] rest) {
        byte[] message = new byte[1 + rest.length];
        message[0] = type;
        System.arraycopy(rest, 0, message, 1, rest.length);
        return message;
    }

    private static int value(Field field) {
        try {
            return field.getInt(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
