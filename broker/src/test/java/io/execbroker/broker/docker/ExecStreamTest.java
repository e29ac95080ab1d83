package io.execbroker.broker.docker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.SocketAddress;

import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the exec stream client treats answers real Docker does not give: a refusal and corrupt framing. A small
 * local endpoint plays the part, since no engine can be made to send them.
 */
class ExecStreamTest {
    private static final String UPGRADED = "HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
    private final Vertx vertx = Vertx.vertx();
    private final NetClient client = vertx.createNetClient();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Starts an endpoint that answers the first request with {@code answer}; returns its address. */
    private SocketAddress endpoint(Buffer answer) throws Exception {
        NetServer server = vertx.createNetServer().connectHandler(socket -> socket.handler(request -> socket.write(answer)));
        server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        return SocketAddress.inetSocketAddress(server.actualPort(), "127.0.0.1");
    }

    private ExecStream open(SocketAddress address) throws Exception {
        CompletableFuture<ExecStream> opened = new CompletableFuture<>();
        vertx.runOnContext(v -> ExecStream.open(client, address, "docker", "abc", false)
            .onComplete(ar -> {
                if (ar.succeeded()) {
                    opened.complete(ar.result());
                } else {
                    opened.completeExceptionally(ar.cause());
                }
            }));
        return opened.get(10, TimeUnit.SECONDS);
    }

    @Test
    void streamBytesInTheSameReadAsTheHeadAreDelivered() throws Exception {
        Buffer answer = Buffer.buffer(UPGRADED).appendBytes(HexFormat.of().parseHex("0100000000000002" + "6869"));
        ExecStream stream = open(endpoint(answer));
        CompletableFuture<String> out = new CompletableFuture<>();
        vertx.runOnContext(v -> stream.start((s, chunk) -> {
            out.complete(s + ":" + chunk.toString(chunk.readerIndex() + 1, chunk.readableBytes() - 1, UTF_8));
            chunk.release();
        }, end -> { }, out::completeExceptionally));
        assertThat(out.get(10, TimeUnit.SECONDS)).isEqualTo("STDOUT:hi");
    }

    @Test
    void closingAPausedStreamFreesTheReadsQueuedInIt() throws Exception {
        long before = ExecStream.outputBytesHeld();
        byte[] frame = new byte[8 + 4096];
        frame[0] = 1;
        frame[6] = 0x10; // size 4096, big endian
        Buffer answer = Buffer.buffer(UPGRADED);
        for (int i = 0; i < 256; i++) {
            answer.appendBytes(frame);
        }
        ExecStream stream = open(endpoint(answer));
        CompletableFuture<Void> paused = new CompletableFuture<>();
        vertx.runOnContext(v -> stream.start((s, chunk) -> {
            chunk.release();
            stream.pause(); // a slow client: what Docker sends meanwhile waits in the stream
            paused.complete(null);
        }, end -> { }, paused::completeExceptionally));
        paused.get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> ExecStream.outputBytesHeld() > before);
        vertx.runOnContext(v -> stream.close());
        await().atMost(Duration.ofSeconds(10)).until(() -> ExecStream.outputBytesHeld() == before);
    }

    @Test
    void refusalNamesDockersStatusAndMessage() throws Exception {
        SocketAddress address = endpoint(Buffer.buffer("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\r\n"
            + "{\"message\":\"No such exec instance: abc\"}"));
        assertThatThrownBy(() -> open(address)).isInstanceOf(ExecutionException.class)
            .hasMessageContaining("Docker refused to start exec abc: HTTP/1.1 404 Not Found")
            .hasMessageContaining("No such exec instance");
    }

    @Test
    void corruptFramingIsReportedAsAFailure() throws Exception {
        Buffer answer = Buffer.buffer(UPGRADED).appendBytes(HexFormat.of().parseHex("0700000000000001" + "41"));
        ExecStream stream = open(endpoint(answer));
        CompletableFuture<Throwable> failed = new CompletableFuture<>();
        vertx.runOnContext(v -> stream.start((s, chunk) -> chunk.release(), end -> { }, failed::complete));
        assertThat(failed.get(10, TimeUnit.SECONDS))
            .hasMessage("corrupt exec stream: frame header names stream 7 (expected: 1, 2 or 3)");
    }
}
