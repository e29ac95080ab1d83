package io.execbroker.broker.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class WatchQueryTest {
    private static DockerEvent container(String name, String action, Map<String, String> labels) {
        Map<String, String> attributes = new java.util.HashMap<>(labels);
        attributes.put("name", name);
        attributes.put("image", "busybox");
        return new DockerEvent("{}", "container", action, "abc123def", attributes, 1L);
    }

    private static EventFilter filter(String... filters) {
        return WatchQuery.parse(List.of(filters), List.of(), null, null).filter();
    }

    @Test
    void parsesTheOriginalSyntax() {
        EventFilter filter = filter("container=web-1,image=busybox,label=k,label=k=v,event=start");
        assertThat(filter.values("container")).containsExactly("web-1");
        assertThat(filter.values("image")).containsExactly("busybox");
        assertThat(filter.values("label")).containsExactly("k", "k=v");
        assertThat(filter.values("event")).containsExactly("start");
    }

    @Test
    void valuesOfOneKeyAreAlternativesAndKeysMustAllHold() {
        EventFilter filter = filter("container=web-1", "container=web-2,event=start");
        assertThat(filter.matches(container("web-2", "start", Map.of()))).isTrue();
        assertThat(filter.matches(container("web-2", "stop", Map.of()))).isFalse();
        assertThat(filter.matches(container("web-3", "start", Map.of()))).isFalse();
    }

    @Test
    void everyLabelMustBeThere() {
        EventFilter filter = filter("label=k,label=team=a");
        assertThat(filter.matches(container("w", "start", Map.of("k", "1", "team", "a")))).isTrue();
        assertThat(filter.matches(container("w", "start", Map.of("k", "1", "team", "b")))).isFalse();
        assertThat(filter.matches(container("w", "start", Map.of("team", "a")))).isFalse();
    }

    @Test
    void eachKeyMatchesWhatDockerWouldMatch() {
        DockerEvent exec = container("web-1", "exec_start: sh -c ls", Map.of());
        assertThat(filter("event=exec_start").matches(exec)).isTrue();
        assertThat(filter("event=exec").matches(exec)).isFalse();
        assertThat(filter("container=abc123").matches(exec)).as("an id prefix").isTrue();
        assertThat(filter("image=busybox:latest").matches(exec)).isTrue();
        assertThat(filter("image=alpine").matches(exec)).isFalse();
        assertThat(filter("type=container").matches(exec)).isTrue();
        DockerEvent network = new DockerEvent("{}", "network", "connect", "n1", Map.of("name", "web-1"), 1L);
        assertThat(filter("container=web-1").matches(network)).as("container= means container events").isFalse();
        assertThat(WatchQuery.parse(List.of(), List.of("network"), null, null).filter().matches(network)).isTrue();
    }

    @Test
    void badPartsOrUnknownKeysNameThePart() {
        assertThatThrownBy(() -> filter("container=web-1,colour=red")).hasMessage("filter: \"colour=red\" (expected:"
            + " key=value with a key of container, image, label, event, type, like container=web-1 or label=k=v)");
        assertThatThrownBy(() -> filter("container")).hasMessageStartingWith("filter: \"container\" (expected:");
        assertThatThrownBy(() -> filter("event=")).hasMessageStartingWith("filter: \"event=\"");
        assertThatThrownBy(() -> filter("container=a,")).hasMessageStartingWith("filter: \"\"");
        assertThatThrownBy(() -> filter("label==v")).hasMessage("filter: \"label==v\" (expected: label=key or label=key=value)");
        assertThatThrownBy(() -> filter("event=a,".repeat(64) + "event=b")).hasMessage("filter: more than 64 parts");
        assertThatThrownBy(() -> WatchQuery.parse(List.of(), List.of("a,b"), null, null)).hasMessageStartingWith("type: \"a,b\"");
    }

    @Test
    void timesAreSecondsOrNanoseconds() {
        WatchQuery seconds = WatchQuery.parse(List.of(), List.of(), "1700000000", "1700000001.5");
        assertThat(seconds.sinceNanos()).hasValue(1_700_000_000_000_000_000L);
        assertThat(seconds.untilNanos()).hasValue(1_700_000_001_500_000_000L);
        WatchQuery nanos = WatchQuery.parse(List.of(), List.of(), "1700000000123456789", null);
        assertThat(nanos.sinceNanos()).as("a timeNano resumes after that event").hasValue(1_700_000_000_123_456_790L);
        assertThat(nanos.inTime(1_700_000_000_123_456_789L)).isFalse();
        assertThat(nanos.inTime(1_700_000_000_123_456_790L)).isTrue();
        assertThat(WatchQuery.dockerTime(1_700_000_000_000_000_042L)).isEqualTo("1700000000.000000042");
    }

    @Test
    void badTimesNameTheParameter() {
        assertThatThrownBy(() -> WatchQuery.parse(List.of(), List.of(), "10m", null)).hasMessage("since: \"10m\""
            + " (expected: Unix seconds, like 1700000000 or 1700000000.5, or nanoseconds, like a timeNano)");
        assertThatThrownBy(() -> WatchQuery.parse(List.of(), List.of(), null, "-1")).hasMessageStartingWith("until: \"-1\"");
        assertThatThrownBy(() -> WatchQuery.parse(List.of(), List.of(), "1700000002", "1700000001"))
            .hasMessage("until: 1700000001 (expected: not before since 1700000002)");
    }
}
