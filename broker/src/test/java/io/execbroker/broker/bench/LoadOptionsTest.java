package io.execbroker.broker.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class LoadOptionsTest {
    @Test
    void loadHoldsAThousandSessionsOnTheDeployedFlags() {
        LoadOptions options = LoadOptions.parse(new String[] {"--load"});

        assertThat(options.mode()).isEqualTo(LoadOptions.Mode.LOAD);
        assertThat(options.sessions()).isEqualTo(1000);
        assertThat(options.brokerJvm()).isEqualTo(LoadOptions.DEPLOYED_JVM);
        assertThat(options.bulkStreams()).isEqualTo(4);
        assertThat(options.bulkMib()).isEqualTo(256);
    }

    @Test
    void soakRunsThirtyMinutesUnlessTold() {
        assertThat(LoadOptions.parse(new String[] {"--soak"}).soakMinutes()).isEqualTo(30);
        LoadOptions three = LoadOptions.parse(new String[] {"--soak", "3", "--sessions", "100"});
        assertThat(three.mode()).isEqualTo(LoadOptions.Mode.SOAK);
        assertThat(three.soakMinutes()).isEqualTo(3);
        assertThat(three.sessions()).isEqualTo(100);
    }

    @Test
    void fleetRunsTwentySecondsAPhaseWithFourClientsPerBrokerUnlessTold() {
        LoadOptions defaults = LoadOptions.parse(new String[] {"--fleet"});
        assertThat(defaults.mode()).isEqualTo(LoadOptions.Mode.FLEET);
        assertThat(defaults.fleetSeconds()).isEqualTo(20);
        assertThat(defaults.fleetClients()).isEqualTo(4);
        LoadOptions told = LoadOptions.parse(new String[] {"--fleet", "5", "--fleet-clients", "2"});
        assertThat(told.fleetSeconds()).isEqualTo(5);
        assertThat(told.fleetClients()).isEqualTo(2);
    }

    @Test
    void candidatesAndBrokerFlagsAreSplitOnSpacesAndAnEmptySetMeansNoFlags() {
        LoadOptions options = LoadOptions.parse(new String[] {"--footprint", "--candidate", "",
            "--candidate", " -Xmx64m  -XX:+UseSerialGC", "--broker-jvm", "-Xss256k"});

        assertThat(options.candidates()).containsExactly(List.of(), List.of("-Xmx64m", "-XX:+UseSerialGC"));
        assertThat(options.brokerJvm()).containsExactly("-Xss256k");
        assertThat(LoadOptions.parse(new String[] {"--footprint"}).candidates())
            .isEqualTo(LoadOptions.DEFAULT_CANDIDATES).contains(LoadOptions.DEPLOYED_JVM);
    }

    @Test
    void badCommandLinesAreRefusedNamingTheProblem() {
        assertThatThrownBy(() -> LoadOptions.parse(new String[0]))
            .hasMessage("say which: --load, --soak [MINUTES], --footprint or --fleet [SECONDS]");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--load", "--soak"}))
            .hasMessage("--load, --soak, --footprint and --fleet exclude each other");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--soak", "0"}))
            .hasMessage("--soak: 0 (expected: a number > 0)");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--load", "--sessions"}))
            .hasMessage("--sessions needs a number");
        assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--load", "--quick"}))
            .hasMessage("unknown option: --quick");
        assertThat(LoadOptions.parse(new String[] {"--load", "--help"})).isNull();
    }
}
