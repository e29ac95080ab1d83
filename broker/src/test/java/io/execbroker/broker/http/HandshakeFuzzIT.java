package io.execbroker.broker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.config.SessionLimits;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.DockerFixture;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.RawWebSocket;
import io.execbroker.protocol.frame.CloseCodes;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.atomic.AtomicInteger;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Hostile handshakes on raw sockets against a real broker: headers past Vert.x's limits, request lines too long or
 * malformed, hundreds of subprotocols, a bad or missing {@code Sec-WebSocket-Key}, a wrong
 * {@code Sec-WebSocket-Version}, HTTP/1.0, two requests in one write. Each carries a token the authorizer would
 * grant, yet gets its exact status (with a JSON body where the broker answers, never an HTML page or a stack trace),
 * ends within seconds, never reaches the authorizer, runs nothing; and the broker serves a good session after them.
 */
class HandshakeFuzzIT {
    private static final String TOKEN = "good-token";
    private static final AtomicInteger AUTHORIZED = new AtomicInteger();
    /** Grants the requested command for {@link #TOKEN}, and counts every call. */
    private static final Authorizer COUNTING = request -> {
        AUTHORIZED.incrementAndGet();
        return request.token().filter(TOKEN::equals).isEmpty()
            ? Future.failedFuture(new AuthorizationException(401, "bad token"))
            : Future.succeededFuture(ExecGrant.builder(DockerFixture.CONTAINER, request.requestedCommand()).build());
    };
    private static final String AUTH = "Authorization: Bearer " + TOKEN;
    /** A plain GET without a token: the broker's 400, on a connection it kept open. */
    private static final byte[] PROBE = "GET /exec HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: *(\\d+)\r\n");

    private static BrokerHarness broker;

    /** What the broker answers: Vert.x's bare status, the broker's JSON refusal, or the upgrade. */
    enum Answer { EMPTY, JSON, UPGRADE }

    /**
     * One hostile request: its bytes, for a size or count the property picks; the status it must get, how, and
     * whether the broker then closes the connection.
     */
    enum Case {
        HUGE_HEADER(431, Answer.EMPTY, true) {
            @Override
            byte[] request(int n) {
                return RawHandshake.request("/exec?command=true", AUTH, "X-Big: " + "a".repeat(8_192 + n * 64));
            }
        },
        MANY_HEADERS(431, Answer.EMPTY, true) {
            @Override
            byte[] request(int n) {
                String[] headers = new String[700 + n];
                headers[0] = AUTH;
                for (int i = 1; i < headers.length; i++) {
                    headers[i] = "X-H" + i + ": value";
                }
                return RawHandshake.request("/exec?command=true", headers);
            }
        },
        HUGE_REQUEST_LINE(414, Answer.EMPTY, true) {
            @Override
            byte[] request(int n) {
                return RawHandshake.request("/exec?command=true&x=" + "a".repeat(4_096 + n * 16), AUTH);
            }
        },
        MALFORMED_REQUEST_LINE(400, Answer.EMPTY, true) {
            @Override
            byte[] request(int n) {
                String[] lines = {"GARBAGE", "GET", "\u0000\u0001\u0002", "GET /exec HTTP/1.1 extra"};
                return (lines[n % lines.length] + "\r\nHost: x\r\n" + AUTH + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
            }
        },
        /** Netty reads a request line with a leading space: a GET without upgrade headers, so the broker's 400. */
        LEADING_SPACE(400, Answer.JSON, false) {
            @Override
            byte[] request(int n) {
                return (" GET /exec HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
            }
        },
        UNKNOWN_HTTP_VERSION(501, Answer.EMPTY, true) {
            @Override
            byte[] request(int n) {
                return replace(RawHandshake.request("/exec?command=true", AUTH), " HTTP/1.1\r\n", " HTTP/" + (2 + n % 8)
                    + "." + n % 10 + "\r\n");
            }
        },
        MANY_SUBPROTOCOLS(101, Answer.UPGRADE, false) {
            @Override
            byte[] request(int n) {
                StringBuilder offered = new StringBuilder("exec-broker.v1");
                for (int i = 0; i < 100 + n * 5; i++) {
                    offered.append(", p").append(i);
                }
                return RawHandshake.request("/exec?command=true", AUTH, "Sec-WebSocket-Protocol: " + offered);
            }
        },
        BAD_KEY(400, Answer.JSON, false) {
            @Override
            byte[] request(int n) {
                String[] keys = {"", "not base64!", "dG9vIHNob3J0", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "=="};
                return replace(RawHandshake.request("/exec?command=true", AUTH), "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
                    "Sec-WebSocket-Key: " + keys[n % keys.length]);
            }
        },
        MISSING_KEY(400, Answer.JSON, false) {
            @Override
            byte[] request(int n) {
                return replace(RawHandshake.request("/exec?command=true", AUTH), "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
                    "");
            }
        },
        WRONG_VERSION(426, Answer.JSON, false) {
            @Override
            byte[] request(int n) {
                String[] versions = {"8", "12", "14", "99", "", "13, 8", "thirteen"};
                return replace(RawHandshake.request("/exec?command=true", AUTH), "Sec-WebSocket-Version: 13",
                    "Sec-WebSocket-Version: " + versions[n % versions.length]);
            }
        },
        HTTP_1_0(400, Answer.JSON, true) {
            @Override
            byte[] request(int n) {
                return replace(RawHandshake.request("/exec?command=true", AUTH), " HTTP/1.1\r\n", " HTTP/1.0\r\n");
            }
        },
        PIPELINED(400, Answer.JSON, false, 2) {
            @Override
            byte[] request(int n) {
                byte[] plain = ("GET /exec?command=true HTTP/1.1\r\nHost: x\r\n" + AUTH + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
                ByteArrayOutputStream both = new ByteArrayOutputStream();
                both.writeBytes(plain);
                both.writeBytes(plain);
                return both.toByteArray();
            }
        };

        private final int status;
        private final Answer answer;
        private final boolean closes;
        /** How many requests the bytes hold, so how many answers come before the connection is closed or kept. */
        private final int requests;

        Case(int status, Answer answer, boolean closes) {
            this(status, answer, closes, 1);
        }

        Case(int status, Answer answer, boolean closes, int requests) {
            this.status = status;
            this.answer = answer;
            this.closes = closes;
            this.requests = requests;
        }

        abstract byte[] request(int n);
    }

    @BeforeContainer
    static void startBroker() throws Exception {
        broker = BrokerHarness.start(SessionLimits.DEFAULTS, COUNTING);
    }

    @AfterContainer
    static void stopBroker() throws Exception {
        broker.close();
    }

    @Property(tries = 4)
    void everyHostileHandshakeGetsItsStatusAndNothingIsAuthorized(@ForAll("sizes") int n) throws Exception {
        for (Case hostile : Case.values()) {
            int before = AUTHORIZED.get();
            if (hostile.answer == Answer.UPGRADE) {
                assertThat(session(hostile.request(n))).as("close code of %s", hostile).isEqualTo(CloseCodes.NORMAL);
                assertThat(AUTHORIZED.get()).isEqualTo(before + 1);
                continue;
            }
            String response = exchange(hostile.request(n), hostile.requests);
            assertThat(response).as("%s %d", hostile, n).containsPattern("^HTTP/\\d\\.\\d " + hostile.status + " ")
                .doesNotContainIgnoringCase("<html").doesNotContain("Exception", "\tat ");
            switch (hostile.answer) {
                case EMPTY -> assertThat(response).as("%s %d", hostile, n).contains("content-length: 0\r\n");
                case JSON -> assertThat(response).as("%s %d", hostile, n).contains("content-type: application/json")
                    .containsPattern("\\{\"error\":\"[^\"]+\"\\}");
                case UPGRADE -> throw new AssertionError("sessions are run to their end above");
            }
            assertThat(response).as("%s %d: answered, then closed or kept open", hostile, n)
                .endsWith(hostile.closes ? "(closed)" : "(open)");
            assertThat(AUTHORIZED.get()).as("authorizer calls for %s", hostile).isEqualTo(before);
        }
        assertThat(session(RawHandshake.request("/exec?command=true", AUTH))).as("the close code of a good session after"
            + " them all").isEqualTo(CloseCodes.NORMAL);
    }

    /** Runs the session {@code request} asks for ({@code true}) to its end and returns the close code. */
    private static int session(byte[] request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request);
            InputStream in = socket.getInputStream();
            assertThat(RawWebSocket.readHead(in)).startsWith("HTTP/1.1 101 ");
            RawWebSocket.ServerFrame frame;
            do {
                frame = RawWebSocket.readFrame(in);
            } while (frame.opcode() != RawWebSocket.CLOSE);
            return frame.closeCode();
        }
    }

    @Provide
    Arbitrary<Integer> sizes() {
        return Arbitraries.integers().between(0, 200);
    }

    /**
     * Sends {@code request} and returns what the broker answers (each response read by its length), ending in
     * {@code (closed)} when it then closed the connection, or {@code (open)} when a probe request sent after the
     * answers got its own answer on the same connection. No waiting for silence: both ends are events.
     */
    private static String exchange(byte[] request, int requests) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            InputStream in = socket.getInputStream();
            StringBuilder answers = new StringBuilder();
            for (int i = 0; i < requests; i++) {
                String answer = readResponse(in);
                if (answer == null) {
                    return answers.append("\r\n(closed)").toString();
                }
                answers.append(answer);
                if (answer.startsWith("HTTP/1.1 101 ")) {
                    return answers.toString();
                }
            }
            try {
                socket.getOutputStream().write(PROBE);
            } catch (IOException closed) {
                return answers.append("\r\n(closed)").toString();
            }
            String probed = readResponse(in);
            return answers.append(probed == null ? "\r\n(closed)" : "\r\n(open)").toString();
        }
    }

    /** One response, head and body (by its content-length), or null when the connection ends first. */
    private static String readResponse(InputStream in) throws IOException {
        String head;
        try {
            head = RawWebSocket.readHead(in);
        } catch (EOFException | SocketException ended) {
            return null;
        }
        Matcher length = CONTENT_LENGTH.matcher(head);
        byte[] body = in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
        return head + new String(body, StandardCharsets.ISO_8859_1);
    }

    private static byte[] replace(byte[] request, String from, String to) {
        return new String(request, StandardCharsets.ISO_8859_1).replace(from, to).getBytes(StandardCharsets.ISO_8859_1);
    }
}
