package io.execbroker.broker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

class MetricLabelsTest {
    @Test
    void exitCodesFallIntoTheirFixedClasses() {
        assertThat(MetricLabels.exitCode(0)).isEqualTo("0");
        assertThat(MetricLabels.exitCode(1)).isEqualTo("1-125");
        assertThat(MetricLabels.exitCode(125)).isEqualTo("1-125");
        assertThat(MetricLabels.exitCode(126)).isEqualTo("126");
        assertThat(MetricLabels.exitCode(127)).isEqualTo("127");
        assertThat(MetricLabels.exitCode(137)).isEqualTo("128+9");
        assertThat(MetricLabels.exitCode(143)).isEqualTo("128+15");
        assertThat(MetricLabels.exitCode(null)).isEqualTo("unknown");
        assertThat(MetricLabels.exitCode(-1)).isEqualTo("unknown");
        assertThat(MetricLabels.exitCode(256)).isEqualTo("unknown");
        Set<String> all = new HashSet<>();
        for (int code = -5; code < 1000; code++) {
            all.add(MetricLabels.exitCode(code));
        }
        assertThat(all).as("a bounded set").hasSizeLessThanOrEqualTo(5 + 128);
    }

    @Test
    void closeCodesAClientChoseBecomeOther() {
        assertThat(MetricLabels.closeCode(1000)).isEqualTo("1000");
        assertThat(MetricLabels.closeCode(4003)).isEqualTo("4003");
        assertThat(MetricLabels.closeCode(4321)).isEqualTo("other");
        assertThat(MetricLabels.closeCode(0)).isEqualTo("other");
    }

    @Test
    void jwtReasonsAreTheBrokersOwnWordsAndNothingThatFollowsThem() {
        assertThat(MetricLabels.jwtReason("expired")).isEqualTo("expired");
        assertThat(MetricLabels.jwtReason("wrong audience")).isEqualTo("wrong_audience");
        assertThat(MetricLabels.jwtReason("algorithm not allowed: none")).isEqualTo("algorithm_not_allowed");
        assertThat(MetricLabels.jwtReason("lifetime too long (exp more than 3600 s away)")).isEqualTo("lifetime_too_long");
        assertThat(MetricLabels.jwtReason("invalid exec claim: command: missing")).isEqualTo("invalid_exec_claim");
        assertThat(MetricLabels.jwtReason("missing nbf")).isEqualTo("missing_claim");
        assertThat(MetricLabels.jwtReason("eyJhbGciOiJIUzI1NiJ9.secret")).isEqualTo("other");
        assertThat(MetricLabels.jwtReason(null)).isEqualTo("other");
    }
}
