package io.execbroker.sample.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class BrokersFileTest {
    private static final String TWO_HOSTS = """
        {"host-a": {"url": "ws://127.0.0.1:8866/exec", "containers": ["servertest", "/web-1"]},
         "host-b": {"url": "wss://host-b.example:8866/exec", "containers": ["fleet-b"]}}
        """;

    @Test
    void readsEachBrokersUrlAndContainersInFileOrder() {
        Brokers brokers = BrokersFile.parse(TWO_HOSTS, "test");

        assertThat(brokers.isFleet()).isTrue();
        assertThat(brokers.idKnown()).isTrue();
        assertThat(brokers.routes()).extracting(BrokerRoute::id).containsExactly("host-a", "host-b");
        assertThat(brokers.byId("host-b").orElseThrow().url()).isEqualTo(URI.create("wss://host-b.example:8866/exec"));
        assertThat(brokers.forContainer("fleet-b")).map(BrokerRoute::id).contains("host-b");
        assertThat(brokers.forContainer("servertest")).map(BrokerRoute::id).contains("host-a");
        assertThat(brokers.forContainer("/web-1")).map(BrokerRoute::id).contains("host-a");
        assertThat(brokers.forContainer("web-1")).map(BrokerRoute::id).contains("host-a");
        assertThat(brokers.forContainer("elsewhere")).isEmpty();
    }

    @Test
    void refusesAContainerListedUnderTwoBrokersNamingBoth() {
        String json = """
            {"host-a": {"url": "ws://a:8866/exec", "containers": ["web-1"]},
             "host-b": {"url": "ws://b:8866/exec", "containers": ["db-1", "web-1"]}}
            """;

        assertThatThrownBy(() -> BrokersFile.parse(json, "brokers.json")).hasMessage("brokers file brokers.json:"
            + " container web-1: listed under brokers host-a and host-b (expected: under one, the broker of its"
            + " Docker host)");
    }

    @Test
    void refusesAnEmptyMap() {
        assertThatThrownBy(() -> BrokersFile.parse("{}", "b.json")).hasMessage("brokers file b.json: brokers: empty"
            + " (expected: at least one broker id with its url and containers)");
    }

    @Test
    void refusesABadBrokerIdNamingIt() {
        assertThatThrownBy(() -> BrokersFile.parse("{\"-host a\": {\"url\": \"ws://a/exec\", \"containers\": [\"x\"]}}",
            "b.json")).hasMessage("brokers file b.json: broker id \"-host a\" (expected: letters, digits, '.', '_' or"
            + " '-', starting with a letter or digit, at most 253 characters, like the broker's broker.id)");
    }

    @Test
    void refusesAUrlThatIsNotWsOrWss() {
        assertThatThrownBy(() -> BrokersFile.parse("{\"host-a\": {\"url\": \"http://a:8866/exec\", \"containers\":"
            + " [\"x\"]}}", "b.json")).hasMessage("brokers file b.json: broker host-a: url \"http://a:8866/exec\""
            + " (expected: the ws:// or wss:// exec URL the page connects to, like wss://host-a.example:8866/exec)");
        assertThatThrownBy(() -> BrokersFile.parse("{\"host-a\": {\"url\": \"/exec\", \"containers\": [\"x\"]}}",
            "b.json")).hasMessageContaining("broker host-a: url \"/exec\" (expected: the ws:// or wss://");
        assertThatThrownBy(() -> BrokersFile.parse("{\"host-a\": {\"url\": \"ws://a b/\", \"containers\": [\"x\"]}}",
            "b.json")).hasMessageStartingWith("brokers file b.json: broker \"host-a\": url \"ws://a b/\" is not a URL");
    }

    @Test
    void refusesABrokerWithoutUrlOrContainers() {
        assertThatThrownBy(() -> BrokersFile.parse("{\"host-a\": {\"containers\": [\"x\"]}}", "b.json"))
            .hasMessage("brokers file b.json: broker \"host-a\": url missing (expected: a ws:// or wss:// URL)");
        assertThatThrownBy(() -> BrokersFile.parse("{\"host-a\": {\"url\": \"ws://a/exec\", \"containers\": []}}",
            "b.json")).hasMessage("brokers file b.json: broker \"host-a\": containers missing or empty (expected: an"
            + " array of the container names it serves)");
        assertThatThrownBy(() -> BrokersFile.parse("{\"host-a\": \"ws://a/exec\"}", "b.json"))
            .hasMessage("brokers file b.json: broker \"host-a\": a STRING (expected: an object {url, containers})");
    }

    @Test
    void refusesAContainerThatIsNotADockerNameSoNoGlobCreepsIn() {
        assertThatThrownBy(() -> BrokersFile.parse("{\"host-a\": {\"url\": \"ws://a/exec\", \"containers\":"
            + " [\"web-*\"]}}", "b.json")).hasMessage("brokers file b.json: broker \"host-a\": container \"web-*\""
            + " (expected: a Docker container name, [a-zA-Z0-9][a-zA-Z0-9_.-]*)");
    }

    @Test
    void refusesTextThatIsNotAJsonObject() {
        assertThatThrownBy(() -> BrokersFile.parse("[]", "b.json"))
            .hasMessage("brokers file b.json: expected a JSON object keyed by broker id");
        assertThatThrownBy(() -> BrokersFile.parse("{", "b.json")).hasMessageStartingWith("brokers file b.json: not"
            + " valid JSON");
    }

    @Test
    void namesAFileItCannotRead() {
        assertThatThrownBy(() -> BrokersFile.load(Path.of("/nonexistent/brokers.json")))
            .hasMessageStartingWith("brokers file /nonexistent/brokers.json: cannot read");
    }

    @Test
    void theOneBrokerOfBrokerUrlServesEveryContainer() {
        Brokers named = Brokers.single(URI.create("/exec"), java.util.Optional.of("host-a"));
        Brokers unnamed = Brokers.single(URI.create("ws://127.0.0.1:8866/exec"), java.util.Optional.empty());

        assertThat(named.forContainer("anything")).map(BrokerRoute::id).contains("host-a");
        assertThat(named.idKnown()).isTrue();
        assertThat(named.isFleet()).isFalse();
        assertThat(unnamed.forContainer("anything")).map(BrokerRoute::id).contains(Brokers.DEFAULT_ID);
        assertThat(unnamed.idKnown()).isFalse();
    }
}
