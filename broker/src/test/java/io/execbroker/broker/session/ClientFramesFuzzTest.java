package io.execbroker.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Hostile frame sequences into {@link ClientFrames}, without a socket: messages cut into any number of fragments
 * (empty ones too), stdin and every other type byte, pings and pongs between fragments, a text frame anywhere,
 * messages over the bound, and sequences no WebSocket layer would pass on (a continuation with no message, a
 * binary frame inside a message). It never throws; what reaches the sink is what a plain model of v1 says
 * (stdin passed on as it comes, anything else put back together, nothing after text or a message too big); no
 * message it holds ever grows past the bound; and neither the frames nor a message already passed on change.
 */
class ClientFramesFuzzTest {
    private static final int MAX = 16;
    private static final HexFormat HEX = HexFormat.of();

    /** One frame to send: kind is binary, continuation, text, ping or pong. */
    record Sent(String kind, byte[] data, boolean last) {
        WebSocketFrame frame() {
            Buffer buffer = Buffer.buffer(data);
            return switch (kind) {
                case "binary" -> WebSocketFrame.binaryFrame(buffer, last);
                case "continuation" -> WebSocketFrame.continuationFrame(buffer, last);
                case "text" -> WebSocketFrame.textFrame("hi", last);
                case "ping" -> WebSocketFrame.pingFrame(buffer);
                default -> WebSocketFrame.pongFrame(buffer);
            };
        }

        @Override
        public String toString() {
            return kind + (last ? "!" : "") + "[" + HEX.formatHex(data) + "]";
        }
    }

    @Property(tries = 500)
    void wellFormedSequencesReachTheSinkAsTheModelSays(@ForAll("wellFormed") List<Sent> sent) {
        assertThat(run(sent)).isEqualTo(merged(model(sent)));
    }

    @Property(tries = 500)
    void anySequenceNeverThrowsNorHoldsMoreThanTheBound(@ForAll("anyFrames") List<Sent> sent) {
        List<String> events = run(sent);
        assertThat(events.stream().filter(e -> e.startsWith("text") || e.startsWith("too big")).count())
            .isLessThanOrEqualTo(1);
        if (!events.isEmpty() && (events.contains("text") || events.contains("too big " + MAX))) {
            assertThat(events.get(events.size() - 1)).isIn("text", "too big " + MAX);
        }
    }

    /** Feeds {@code sent} and returns what reached the sink, stdin runs merged; checks that nothing was changed. */
    private static List<String> run(List<Sent> sent) {
        RecordingSink sink = new RecordingSink() {
            @Override
            public void message(Buffer message) {
                assertThat(message.length()).isLessThanOrEqualTo(MAX);
                super.message(message);
            }
        };
        ClientFrames frames = new ClientFrames(MAX, sink);
        List<Tuple.Tuple2<WebSocketFrame, String>> fed = new ArrayList<>();
        for (Sent s : sent) {
            WebSocketFrame frame = s.frame();
            fed.add(Tuple.of(frame, hex(frame.binaryData())));
            frames.handle(frame);
        }
        sink.assertNothingPassedOnChanged();
        fed.forEach(f -> assertThat(hex(f.get1().binaryData())).as("a frame changed").isEqualTo(f.get2()));
        return merged(sink.events());
    }

    /**
     * What v1 says reaches the sink: per message, its bytes counted against the bound from the first fragment on;
     * a stdin message (first fragment starts with type 0) passed on fragment by fragment without the type byte,
     * any other put back together; nothing after a text frame or once a message is past the bound.
     */
    private static List<String> model(List<Sent> sent) {
        List<String> events = new ArrayList<>();
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        boolean stdin = false;
        for (Sent s : sent) {
            if (s.kind().equals("text")) {
                events.add("text");
                return events;
            }
            if (s.kind().equals("ping") || s.kind().equals("pong")) {
                continue;
            }
            boolean first = s.kind().equals("binary");
            if (first) {
                message.reset();
                stdin = s.data().length > 0 && s.data()[0] == 0;
            }
            message.writeBytes(s.data());
            if (message.size() > MAX) {
                events.add("too big " + MAX);
                return events;
            }
            int from = first && stdin ? 1 : 0;
            if (stdin && s.data().length > from) {
                events.add("stdin " + HEX.formatHex(s.data(), from, s.data().length));
            }
            if (s.last()) {
                if (!stdin) {
                    events.add("message " + HEX.formatHex(message.toByteArray()));
                }
                message.reset();
                stdin = false;
            }
        }
        return events;
    }

    /** Joins runs of stdin parts: how stdin is cut into parts is the sender's business. */
    private static List<String> merged(List<String> events) {
        List<String> out = new ArrayList<>();
        for (String event : events) {
            int last = out.size() - 1;
            if (event.startsWith("stdin ") && last >= 0 && out.get(last).startsWith("stdin ")) {
                out.set(last, out.get(last) + event.substring("stdin ".length()));
            } else {
                out.add(event);
            }
        }
        return out;
    }

    @Provide
    Arbitrary<List<Sent>> wellFormed() {
        Arbitrary<List<Sent>> message = fragments().list().ofMinSize(1).ofMaxSize(4).map(parts -> {
            List<Sent> frames = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                frames.add(new Sent(i == 0 ? "binary" : "continuation", parts.get(i), i == parts.size() - 1));
            }
            return frames;
        });
        Arbitrary<List<Sent>> pingOrText = Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(List.of())),
            Tuple.of(3, Arbitraries.of("ping", "pong").map(kind -> List.of(new Sent(kind, new byte[] {1}, true)))),
            Tuple.of(1, Arbitraries.just(List.of(new Sent("text", new byte[0], true)))));
        return Combinators.combine(message, pingOrText).as((m, extra) -> {
            List<Sent> frames = new ArrayList<>(m);
            frames.addAll(Math.min(frames.size(), 1), extra); // between the first fragment and the rest
            return frames;
        }).list().ofMaxSize(6).map(messages -> messages.stream().flatMap(List::stream).toList());
    }

    @Provide
    Arbitrary<List<Sent>> anyFrames() {
        return Combinators.combine(Arbitraries.of("binary", "continuation", "text", "ping", "pong"),
            fragments(), Arbitraries.of(true, false)).as(Sent::new).list().ofMaxSize(20);
    }

    /** A fragment: empty, or up to 10 bytes whose first is often a v1 type (0 stdin, 50 resize, 100-102). */
    private static Arbitrary<byte[]> fragments() {
        Arbitrary<Byte> first = Arbitraries.oneOf(Arbitraries.of((byte) 0, (byte) 50, (byte) 100, (byte) 101,
            (byte) 102, (byte) 200), Arbitraries.bytes());
        Arbitrary<byte[]> typed = Combinators.combine(first, Arbitraries.bytes().array(byte[].class).ofMaxSize(9))
            .as((type, rest) -> {
                byte[] data = new byte[rest.length + 1];
                data[0] = type;
                System.arraycopy(rest, 0, data, 1, rest.length);
                return data;
            });
        return Arbitraries.frequencyOf(Tuple.of(5, typed), Tuple.of(1, Arbitraries.just(new byte[0])));
    }

    private static String hex(Buffer data) {
        return HEX.formatHex(data.getBytes());
    }
}
