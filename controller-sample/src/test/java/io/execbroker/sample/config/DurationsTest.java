package io.execbroker.sample.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void readsShortAndIsoForms() {
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("PT45S")).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void namesTheBadValue() {
        assertThatThrownBy(() -> Durations.parse("30 seconds"))
            .hasMessage("duration: \"30 seconds\" (expected: like 30s, 500ms, 5m, 1h or PT30S)");
    }
}
