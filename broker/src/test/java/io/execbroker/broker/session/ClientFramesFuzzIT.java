package io.execbroker.broker.session;

import static io.execbroker.broker.testing.RawWebSocket.BINARY;
import static io.execbroker.broker.testing.RawWebSocket.CLOSE;
import static io.execbroker.broker.testing.RawWebSocket.CONTINUATION;
import static io.execbroker.broker.testing.RawWebSocket.PING;
import static io.execbroker.broker.testing.RawWebSocket.TEXT;
import static io.execbroker.broker.testing.RawWebSocket.clientFrame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.RawWebSocket;
import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.frame.FrameType;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random interleavings of every client frame against a real broker and real {@code cat} sessions, on a raw socket:
 * stdin, resize (right and wrong sizes), pause, resume, end, unknown and misdirected types, empty and oversized
 * messages, text, fragmented messages with pings between the fragments, continuations with no message; some sent
 * as soon as the 101 arrives, before the broker's {@code resume}, the rest after it, then {@code resume} and
 * {@code end}.
 * Every session ends with a close frame whose code v1 defines for what a client can cause (1000, 1002, 1003,
 * 1009), the broker holds no session afterwards, and no {@code cat} of the session is left in the container.
 */
class ClientFramesFuzzIT {
    /** A small bound, so that a message over it is cheap to send. */
    private static final int MAX_MESSAGE_BYTES = 1024;
    private static final Set<Integer> CLIENT_CAUSED = Set.of(CloseCodes.NORMAL, CloseCodes.PROTOCOL_ERROR,
        CloseCodes.UNSUPPORTED_DATA, CloseCodes.MESSAGE_TOO_BIG);

    private static BrokerHarness broker;

    /** Some WebSocket frames that make one client message (or one protocol violation), and what they are. */
    record Message(String name, byte[] frames) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeContainer
    static void startBroker() throws Exception {
        SessionLimits d = SessionLimits.DEFAULTS;
        broker = BrokerHarness.start(new SessionLimits(d.maxSessions(), MAX_MESSAGE_BYTES, d.outputQueueBytes(),
            d.pendingStdinBytes(), Duration.ofSeconds(60), Duration.ofMinutes(5), d.killGrace(), d.pingInterval()));
    }

    @AfterContainer
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Property(tries = 20)
    void everySessionEndsWithADefinedCodeAndLeavesNothingBehind(@ForAll("messages") List<Message> beforeResume,
                                                                @ForAll("messages") List<Message> afterResume)
            throws Exception {
        String tag = ContainerProcesses.uniqueSleep();
        int code;
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(RawHandshake.request("/exec?command=cat&command=-&command=" + tag));
            assertThat(RawWebSocket.readHead(in)).startsWith("HTTP/1.1 101 ");
            out.write(join(beforeResume)); // the exec is still being created: the broker's resume comes later
            boolean sentTheRest = false;
            while (true) {
                RawWebSocket.ServerFrame frame = RawWebSocket.readFrame(in);
                if (frame.opcode() == CLOSE) {
                    code = frame.closeCode();
                    break;
                }
                boolean resume = frame.opcode() == BINARY && frame.payload().length == 1
                    && frame.payload()[0] == FrameType.RESUME.codeByte();
                if (resume && !sentTheRest) {
                    sentTheRest = true;
                    out.write(join(afterResume));
                    out.write(clientFrame(BINARY, FrameType.RESUME.codeByte()));
                    out.write(clientFrame(BINARY, FrameType.END.codeByte()));
                }
            }
        }
        assertThat(CLIENT_CAUSED).as("close code after %s | %s", beforeResume, afterResume).contains(code);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(broker.broker().sessions().open()).as("sessions open").isZero();
            assertThat(broker.broker().sessions().active()).as("slots in use").isZero();
        });
        int closed = code;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(ContainerProcesses.mentioning(
            broker.docker(), tag)).as("cat of the session closed with %d", closed).isEmpty());
    }

    @Provide
    Arbitrary<List<Message>> messages() {
        return Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(20, Arbitraries.strings().alpha().ofMaxLength(12)
                .map(text -> binary("stdin " + text, 0, text.getBytes(StandardCharsets.UTF_8)))),
            net.jqwik.api.Tuple.of(6, Arbitraries.integers().between(0, 0xffff)
                .map(n -> binary("resize " + n, 50, new byte[] {(byte) (int) n, (byte) (n >> 8), 80, 0}))),
            net.jqwik.api.Tuple.of(3, Arbitraries.of(
                binary("resize short", 50, new byte[] {24}), binary("pause", 101), binary("resume", 100),
                binary("end", 102), binary("pause+payload", 101, new byte[] {1}), binary("type 7", 7),
                binary("type 255", 255, new byte[] {1, 2}), binary("stopped from client", 200, new byte[] {0}),
                binary("stdout from client", 1, new byte[] {'x'}), new Message("empty", clientFrame(BINARY)),
                new Message("ping", clientFrame(PING, (byte) 'p')))),
            net.jqwik.api.Tuple.of(4, Arbitraries.of(
                fragmented("stdin in 3 fragments", new byte[] {0, 'a'}, new byte[] {}, new byte[] {'b', '\n'}),
                fragmented("resize in 2 fragments", new byte[] {50, 24}, new byte[] {0, 80, 0}),
                fragmented("type byte in the 2nd fragment", new byte[] {}, new byte[] {0, 'z'}),
                fragmented("end in 2 fragments", new byte[] {102}, new byte[] {}))),
            net.jqwik.api.Tuple.of(1, Arbitraries.of(
                new Message("text", clientFrame(TEXT, "hi".getBytes(StandardCharsets.UTF_8))),
                binary("stdin over the bound", 0, new byte[MAX_MESSAGE_BYTES]),
                fragmented("fragments over the bound", new byte[] {0, 1}, new byte[MAX_MESSAGE_BYTES]),
                new Message("continuation with no message", clientFrame(CONTINUATION, (byte) 'x')))))
            .list().ofMaxSize(8);
    }

    private static Message binary(String name, int type, byte... payload) {
        byte[] message = new byte[payload.length + 1];
        message[0] = (byte) type;
        System.arraycopy(payload, 0, message, 1, payload.length);
        return new Message(name, clientFrame(BINARY, message));
    }

    /** A message in fragments, with a ping after the first, as RFC 6455 allows. */
    private static Message fragmented(String name, byte[]... parts) {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < parts.length; i++) {
            frames.writeBytes(clientFrame(i == 0 ? BINARY : CONTINUATION, i == parts.length - 1, parts[i]));
            if (i == 0) {
                frames.writeBytes(clientFrame(PING, (byte) 'p'));
            }
        }
        return new Message(name, frames.toByteArray());
    }

    private static byte[] join(List<Message> messages) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<byte[]> frames = new ArrayList<>();
        messages.forEach(m -> frames.add(m.frames()));
        frames.forEach(all::writeBytes);
        return all.toByteArray();
    }
}
