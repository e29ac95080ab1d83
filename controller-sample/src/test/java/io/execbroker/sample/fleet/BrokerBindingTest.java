package io.execbroker.sample.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class BrokerBindingTest {
    private static final BrokerBinding FLEET = new BrokerBinding(Brokers.fleet(List.of(
        BrokerRoute.serving("host-a", URI.create("ws://a/exec"), List.of("web-1")),
        BrokerRoute.serving("host-b", URI.create("ws://b/exec"), List.of("db-1")))));
    private static final BrokerBinding NAMED = new BrokerBinding(Brokers.single(URI.create("ws://a/exec"),
        Optional.of("host-a")));
    private static final BrokerBinding UNNAMED = new BrokerBinding(Brokers.single(URI.create("ws://a/exec"),
        Optional.empty()));

    @Test
    void aFleetLetsOnlyTheTokensOwnBrokerRedeemIt() {
        assertThat(FLEET.refusal(Optional.of("host-b"), Optional.of("host-b"))).isEmpty();
        assertThat(FLEET.refusal(Optional.of("host-b"), Optional.of("host-a"))).contains("token: issued for broker"
            + " host-b, presented to broker \"host-a\" (expected: the broker the app handed it with)");
    }

    @Test
    void aFleetRefusesABrokerThatSendsNoId() {
        assertThat(FLEET.refusal(Optional.of("host-b"), Optional.empty())).contains("X-Exec-Broker-Id: missing"
            + " (expected: the id of the broker asking; in a fleet every broker must name itself)");
    }

    @Test
    void aFleetRefusesATokenBoundToNoBroker() {
        assertThat(FLEET.refusal(Optional.empty(), Optional.of("host-a"))).contains("token: bound to no broker"
            + " (issued before this app served a fleet)");
    }

    @Test
    void aNamedBrokerIsCheckedWhenItSendsItsIdAndAcceptedWhenItSendsNone() {
        assertThat(NAMED.refusal(Optional.of("host-a"), Optional.of("host-a"))).isEmpty();
        assertThat(NAMED.refusal(Optional.of("host-a"), Optional.empty())).isEmpty();
        assertThat(NAMED.refusal(Optional.empty(), Optional.of("host-a"))).isEmpty();
        assertThat(NAMED.refusal(Optional.of("host-a"), Optional.of("other\n"))).contains("token: issued for broker"
            + " host-a, presented to broker \"other?\" (expected: the broker the app handed it with)");
    }

    @Test
    void anUnnamedBrokerIsNotChecked() {
        assertThat(UNNAMED.refusal(Optional.of(Brokers.DEFAULT_ID), Optional.of("whatever"))).isEmpty();
        assertThat(UNNAMED.refusal(Optional.of(Brokers.DEFAULT_ID), Optional.empty())).isEmpty();
    }
}
