package io.execbroker.broker.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class WatchTargetTest {
    @Test
    void filtersAreUrlEncodedQueryParametersAndTimesPassThrough() {
        WatchTarget target = new WatchTarget(URI.create("ws://h:1/events"),
            List.of("container=web-1,label=team=a b", "event=start"), Optional.of("1700000000"), Optional.of("1700000001.5"));
        assertThat(target.uri(Optional.of("1700000000123456789"))).hasToString("ws://h:1/events"
            + "?filter=container%3Dweb-1%2Clabel%3Dteam%3Da+b&filter=event%3Dstart"
            + "&since=1700000000123456789&until=1700000001.5");
    }

    @Test
    void aQueryInTheUrlIsKeptAndNoOptionsAddNothing() {
        assertThat(new WatchTarget(URI.create("ws://h:1/events?type=network"), List.of("event=connect"),
            Optional.empty(), Optional.empty()).uri(Optional.empty()))
            .hasToString("ws://h:1/events?type=network&filter=event%3Dconnect");
        assertThat(new WatchTarget(URI.create("ws://h:1/events"), List.of(), Optional.empty(), Optional.empty())
            .uri(Optional.empty())).hasToString("ws://h:1/events");
    }
}
