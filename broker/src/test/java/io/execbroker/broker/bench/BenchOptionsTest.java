package io.execbroker.broker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class BenchOptionsTest {
    @Test
    void quickRunsEveryPartWithShortEventWindowsForOneHundredAndAThousandReceivers() {
        BenchOptions options = BenchOptions.parse(new String[] {"--quick"});

        assertThat(options.parts()).isEqualTo(BenchOptions.Parts.ALL);
        assertThat(options.eventsReceivers()).containsExactly(1, 100, 1000);
        assertThat(options.eventsRate()).isEqualTo(10);
        assertThat(options.eventsWindowSeconds()).isEqualTo(2);
        assertThat(options.maxWatchers()).isEqualTo(1000);
    }

    @Test
    void fullRunHasLongerEventWindows() {
        assertThat(BenchOptions.parse(new String[0]).eventsWindowSeconds()).isEqualTo(10);
    }

    @Test
    void eventsOptionsAreParsed() {
        BenchOptions options = BenchOptions.parse(new String[] {"--events-only", "--events-rate", "5",
            "--events-window-s", "4", "--events-n", "2,20"});

        assertThat(options.parts().exec()).isFalse();
        assertThat(options.parts().events()).isTrue();
        assertThat(options.eventsRate()).isEqualTo(5);
        assertThat(options.eventsWindowSeconds()).isEqualTo(4);
        assertThat(options.eventsReceivers()).isEqualTo(List.of(2, 20));
        assertThat(options.describe()).isEqualTo("full run: events part only, events 5/s to [2, 20] receivers, 4 s windows");
    }

    @Test
    void noEventsLeavesOutTheEventsPartAndItsWatchers() {
        BenchOptions options = BenchOptions.parse(new String[] {"--no-events"});

        assertThat(options.parts().events()).isFalse();
        assertThat(options.maxWatchers()).isZero();
    }

    @Test
    void refusesBothNoEventsAndEventsOnly() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--no-events", "--events-only"}))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("--no-events and --events-only exclude each other");
    }

    @Test
    void refusesAReceiverCountThatIsNotPositive() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--events-n", "1,0"}))
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessage("--events-n: 0 (expected: a number > 0)");
    }
}
