package io.execbroker.broker.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

class DockerEventTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static String event(String action) {
        return "{\"status\":\"" + action + "\",\"id\":\"c1\",\"from\":\"busybox\",\"Type\":\"container\",\"Action\":\""
            + action + "\",\"Actor\":{\"ID\":\"c1\",\"Attributes\":{\"execID\":\"e1\",\"name\":\"web-1\"}},"
            + "\"scope\":\"local\",\"time\":1700000000,\"timeNano\":1700000000123456789}";
    }

    @Test
    void execEventsLoseTheirCommandLineAndKeepEverythingElse() throws Exception {
        DockerEvent start = DockerEvent.parse(event("exec_start: sh -c echo s3cret"));
        DockerEvent cut = start.withoutCommand();
        assertThat(cut.action()).isEqualTo("exec_start");
        assertThat(cut.json()).doesNotContain("s3cret");
        JsonNode was = MAPPER.readTree(start.json());
        JsonNode is = MAPPER.readTree(cut.json());
        assertThat(is.path("Action").asText()).isEqualTo("exec_start");
        assertThat(is.path("status").asText()).isEqualTo("exec_start");
        ((com.fasterxml.jackson.databind.node.ObjectNode) was).put("Action", "exec_start").put("status", "exec_start");
        assertThat(is).isEqualTo(was);
        assertThat(DockerEvent.parse(event("exec_create: /bin/sh")).withoutCommand().action()).isEqualTo("exec_create");
        assertThat(start.withoutCommand()).as("computed once").isSameAs(cut);
        assertThat(start.key()).as("the key stays Docker's").isEqualTo(new DockerEvent.Key(1700000000123456789L, "c1",
            "exec_start: sh -c echo s3cret"));
    }

    @Test
    void otherActionsAreSentAsDockerWroteThem() {
        for (String action : new String[] {"exec_die", "start", "health_status: healthy", "exec_started", "die"}) {
            DockerEvent event = DockerEvent.parse(event(action));
            assertThat(event.withoutCommand()).as(action).isSameAs(event);
        }
    }

    @Test
    void whatIsNotAnEventIsRefusedByName() {
        assertThatThrownBy(() -> DockerEvent.parse("[1]")).hasMessageContaining("expected: an object with Type and timeNano");
        assertThatThrownBy(() -> DockerEvent.parse("{")).hasMessageStartingWith("not a Docker event: ");
    }

    @Test
    void toStringNeverShowsACommandLine() {
        assertThat(DockerEvent.parse(event("exec_start: echo s3cret")).toString()).doesNotContain("s3cret");
    }
}
