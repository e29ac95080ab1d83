package io.execbroker.sample.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;

import org.junit.jupiter.api.Test;

class EventsUrlTest {
    @Test
    void replacesTheExecPathWithEventsOnTheSameOrigin() {
        assertThat(EventsUrl.of(URI.create("ws://127.0.0.1:8866/exec"))).hasToString("ws://127.0.0.1:8866/events");
        assertThat(EventsUrl.of(URI.create("wss://broker.example/exec?x=1"))).hasToString("wss://broker.example/events");
    }

    @Test
    void keepsThePrefixOfABrokerBehindAProxy() {
        assertThat(EventsUrl.of(URI.create("wss://app.example/broker/exec"))).hasToString("wss://app.example/broker/events");
    }

    @Test
    void givesEventsAtTheRootForABrokerUrlWithoutPath() {
        assertThat(EventsUrl.of(URI.create("ws://h:1"))).hasToString("ws://h:1/events");
        assertThat(EventsUrl.of(URI.create("ws://h:1/"))).hasToString("ws://h:1/events");
    }

    @Test
    void keepsAPathOnTheAppsHostAPath() {
        assertThat(EventsUrl.of(URI.create("/exec"))).hasToString("/events");
    }
}
