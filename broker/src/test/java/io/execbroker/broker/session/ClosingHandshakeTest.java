package io.execbroker.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.broker.testing.RawHandshake;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.internal.http.WebSocketInternal;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The broker's side of the closing handshake with a peer that reads, and with one that has stopped reading. */
class ClosingHandshakeTest {
    private final Vertx vertx = Vertx.vertx();
    private final CompletableFuture<ServerWebSocket> accepted = new CompletableFuture<>();
    private final CompletableFuture<Void> connectionClosed = new CompletableFuture<>();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private int server() throws Exception {
        HttpServer server = vertx.createHttpServer().webSocketHandler(ws -> {
            ws.closeHandler(v -> connectionClosed.complete(null));
            accepted.complete(ws);
        });
        return server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
            .actualPort();
    }

    /** The test's server is plain Vert.x: its WebSocket shows its channel. */
    private static LingeringClose connectionOf(ServerWebSocket ws) {
        return LingeringClose.install(((WebSocketInternal) ws).channelHandlerContext().channel());
    }

    /** Fills the connection to a peer that does not read: the close frame stays behind the queued writes. */
    private static void fillUntilFull(ServerWebSocket ws, CompletableFuture<Void> full) {
        Buffer chunk = Buffer.buffer(new byte[64 << 10]);
        while (!ws.writeQueueFull()) {
            ws.writeBinaryMessage(chunk);
        }
        full.complete(null);
    }

    private static String readHead(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).isNotNegative();
            head.append((char) b);
        }
        return head.toString();
    }

    /** Connects a peer that does not read, and fills the broker's side until its write queue is full. */
    private ServerWebSocket stalledPeer(Socket stalled) throws Exception {
        stalled.setReceiveBufferSize(4096);
        stalled.getOutputStream().write(RawHandshake.request("/"));
        ServerWebSocket ws = accepted.get(10, TimeUnit.SECONDS);
        CompletableFuture<Void> full = new CompletableFuture<>();
        vertx.runOnContext(v -> fillUntilFull(ws, full));
        full.get(10, TimeUnit.SECONDS);
        return ws;
    }

    /**
     * Connects {@code peer} (a reading one), lets the server close with {@code code} and {@code reason}, and
     * returns the peer's input after the upgrade's head.
     */
    private InputStream closedBy(Socket peer, int code, String reason) throws Exception {
        peer.setSoTimeout(10_000);
        peer.getOutputStream().write(RawHandshake.request("/"));
        ServerWebSocket ws = accepted.get(10, TimeUnit.SECONDS);
        vertx.runOnContext(v -> ClosingHandshake.close(vertx, ws, connectionOf(ws), code, reason, Duration.ofSeconds(30)));
        InputStream in = peer.getInputStream();
        assertThat(readHead(in)).startsWith("HTTP/1.1 101 ");
        return in;
    }

    private void closeWithShortGrace(ServerWebSocket ws) throws Exception {
        vertx.runOnContext(v -> ClosingHandshake.close(vertx, ws, connectionOf(ws), 1000, "done", Duration.ofMillis(200)));
        connectionClosed.get(10, TimeUnit.SECONDS);
        assertThat(ws.isClosed()).isTrue();
    }

    @Test
    void aPeerThatStoppedReadingIsDroppedAfterTheGrace() throws Exception {
        try (Socket stalled = new Socket("127.0.0.1", server())) {
            closeWithShortGrace(stalledPeer(stalled));
        }
    }

    @Test
    void aStalledPeerThatSentACloseFrameIsDroppedAfterTheGrace() throws Exception {
        try (Socket stalled = new Socket("127.0.0.1", server())) {
            ServerWebSocket ws = stalledPeer(stalled);
            CompletableFuture<Void> closeFrame = new CompletableFuture<>();
            CompletableFuture<Void> listening = new CompletableFuture<>();
            vertx.runOnContext(v -> {
                ws.endHandler(end -> closeFrame.complete(null));
                listening.complete(null);
            });
            listening.get(10, TimeUnit.SECONDS);
            stalled.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8});
            closeFrame.get(10, TimeUnit.SECONDS);
            closeWithShortGrace(ws);
        }
    }

    @Test
    void aPeerThatReadsGetsTheCloseFrameAndTheReason() throws Exception {
        int port = server();
        try (Socket peer = new Socket("127.0.0.1", port)) {
            InputStream in = closedBy(peer, 4000, "idle");
            // close frame: FIN + opcode 8, length 2 + 4, status 4000 (0x0fa0), then the reason
            assertThat(in.readNBytes(8)).containsExactly(0x88, 6, 0x0f, 0xa0, 'i', 'd', 'l', 'e');
            peer.getOutputStream().write(new byte[] {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x0f, (byte) 0xa0});
            assertThat(in.read()).isEqualTo(-1);
            connectionClosed.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aReasonLongerThanACloseFrameHoldsIsCutAtACharacterBoundary() {
        assertThat(ClosingHandshake.fit("client closed")).isEqualTo("client closed");
        String exact = "x".repeat(123);
        assertThat(ClosingHandshake.fit(exact)).isSameAs(exact);

        String cut = ClosingHandshake.fit("cannot start exec: " + "y".repeat(200));
        assertThat(cut).startsWith("cannot start exec: yyy").endsWith("...");
        assertThat(cut.getBytes(StandardCharsets.UTF_8)).hasSize(123);

        // 'é' takes 2 bytes, '€' 3: the cut never splits one, so the result stays valid UTF-8 within the limit
        for (String unit : new String[] {"é", "€", "😀"}) {
            String fitted = ClosingHandshake.fit(unit.repeat(100));
            byte[] utf8 = fitted.getBytes(StandardCharsets.UTF_8);
            assertThat(utf8.length).isLessThanOrEqualTo(123).isGreaterThan(117);
            assertThat(fitted).endsWith("...").startsWith(unit);
            assertThat(fitted.substring(0, fitted.length() - 3).replace(unit, "")).isEmpty();
        }
    }

    @Test
    void aLongReasonReachesThePeerCutToFit() throws Exception {
        int port = server();
        try (Socket peer = new Socket("127.0.0.1", port)) {
            InputStream in = closedBy(peer, 1011, "z".repeat(300));
            byte[] head = in.readNBytes(4);
            assertThat(head[0] & 0xff).isEqualTo(0x88);
            assertThat(head[1] & 0xff).isEqualTo(125); // the most a control frame may carry
            assertThat(head[2] << 8 | head[3] & 0xff).isEqualTo(1011);
            assertThat(new String(in.readNBytes(123), StandardCharsets.UTF_8)).isEqualTo("z".repeat(120) + "...");
        }
    }
}
