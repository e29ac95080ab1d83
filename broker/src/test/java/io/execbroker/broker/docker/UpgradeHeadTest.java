package io.execbroker.broker.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;

import org.junit.jupiter.api.Test;

class UpgradeHeadTest {
    private static final String HEAD = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
        + "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n";

    @Test
    void firstStreamBytesInTheSameReadAreKept() {
        UpgradeHead head = new UpgradeHead();
        assertThat(head.feed(Buffer.buffer(HEAD + "\u0001\u0000\u0000\u0000"))).isTrue();
        assertThat(head.status()).isEqualTo(101);
        assertThat(head.statusLine()).isEqualTo("HTTP/1.1 101 UPGRADED");
        assertThat(head.rest().getBytes()).containsExactly(1, 0, 0, 0);
    }

    @Test
    void headMaySplitAnywhereEvenInsideTheBlankLine() {
        UpgradeHead head = new UpgradeHead();
        String all = HEAD + "x";
        for (int i = 0; i < all.length() - 3; i++) {
            assertThat(head.feed(Buffer.buffer(all.substring(i, i + 1)))).isFalse();
        }
        assertThat(head.feed(Buffer.buffer(all.substring(all.length() - 3)))).isTrue();
        assertThat(head.rest().toString()).isEqualTo("x");
    }

    @Test
    void refusalKeepsItsStatusAndBody() {
        UpgradeHead head = new UpgradeHead();
        head.feed(Buffer.buffer("HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\r\n{\"message\":\"No such exec\"}"));
        assertThat(head.status()).isEqualTo(404);
        assertThat(head.rest().toString()).isEqualTo("{\"message\":\"No such exec\"}");
    }

    @Test
    void rejectsWhatIsNotHttp() {
        assertThatThrownBy(() -> new UpgradeHead().feed(Buffer.buffer("SSH-2.0-x\r\n\r\n")))
            .hasMessage("Docker's answer to exec start is not HTTP: SSH-2.0-x");
    }

    @Test
    void rejectsAnEndlessHead() {
        UpgradeHead head = new UpgradeHead();
        assertThatThrownBy(() -> head.feed(Buffer.buffer("HTTP/1.1 101 X\r\n" + "a".repeat(UpgradeHead.MAX_HEAD_BYTES))))
            .hasMessageContaining("no end of head within 16384 bytes");
    }
}
