package io.execbroker.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrameTypeTest {
    @Test
    void codesAreThoseOfTheV1Table() {
        assertThat(FrameType.STDIN.code()).isEqualTo(0);
        assertThat(FrameType.STDOUT.code()).isEqualTo(1);
        assertThat(FrameType.STDERR.code()).isEqualTo(2);
        assertThat(FrameType.RESIZE.code()).isEqualTo(50);
        assertThat(FrameType.RESUME.code()).isEqualTo(100);
        assertThat(FrameType.PAUSE.code()).isEqualTo(101);
        assertThat(FrameType.END.code()).isEqualTo(102);
        assertThat(FrameType.STOPPED.code()).isEqualTo(200);
        assertThat(FrameType.SHUTDOWN.code()).isEqualTo(201);
        assertThat(FrameType.ERROR.code()).isEqualTo(202);
        assertThat(FrameType.values()).hasSize(10);
    }

    @Test
    void fromCodeFindsEveryType() {
        for (FrameType type : FrameType.values()) {
            assertThat(FrameType.fromCode(type.code())).isSameAs(type);
            assertThat(FrameType.fromCode(type.codeByte() & 0xff)).isSameAs(type);
        }
    }

    @Test
    void fromCodeRejectsUnknownCodes() {
        for (int code : new int[] {3, 49, 51, 99, 103, 199, 203, 255, -1, 256}) {
            assertThatThrownBy(() -> FrameType.fromCode(code))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown frame type: " + code);
        }
    }

    @Test
    void dataTypesAreTheThreeStreams() {
        assertThat(FrameType.STDIN.isData()).isTrue();
        assertThat(FrameType.STDOUT.isData()).isTrue();
        assertThat(FrameType.STDERR.isData()).isTrue();
        assertThat(FrameType.RESIZE.isControl()).isTrue();
        assertThat(FrameType.ERROR.isControl()).isTrue();
    }

    @Test
    void directionsSayWhoMaySend() {
        assertThat(FrameType.STDIN.fromClient()).isTrue();
        assertThat(FrameType.STDIN.fromServer()).isFalse();
        assertThat(FrameType.STOPPED.fromClient()).isFalse();
        assertThat(FrameType.PAUSE.fromClient()).isTrue();
        assertThat(FrameType.PAUSE.fromServer()).isTrue();
    }
}
