package io.execbroker.broker.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event of Docker's stream, read once and shared by every watcher: the JSON text exactly as Docker sent it
 * (sent on unchanged), and the fields the broker matches on. Immutable.
 *
 * @param json Docker's event JSON, unchanged
 * @param type {@code Type}, like {@code container}
 * @param action {@code Action}, like {@code start} or {@code exec_start: sh -c ls}
 * @param actorId {@code Actor.ID}, like the container's full id
 * @param attributes {@code Actor.Attributes}: for a container event its labels, {@code name}, {@code image}, ...
 * @param timeNano {@code timeNano}, Docker's time of the event in Unix nanoseconds
 */
public record DockerEvent(String json, String type, String action, String actorId, Map<String, String> attributes,
                          long timeNano) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public DockerEvent {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(actorId, "actorId");
        attributes = Map.copyOf(attributes);
    }

    /**
     * Reads one line of Docker's {@code GET /events} stream.
     *
     * @throws IllegalArgumentException if it is not an event object with {@code Type} and {@code timeNano}
     */
    public static DockerEvent parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a Docker event: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("Type").isTextual() || !root.path("timeNano").canConvertToLong()) {
            throw new IllegalArgumentException("not a Docker event (expected: an object with Type and timeNano)");
        }
        JsonNode actor = root.path("Actor");
        Map<String, String> attributes = new LinkedHashMap<>();
        actor.path("Attributes").properties().forEach(e -> {
            if (e.getValue().isTextual()) {
                attributes.put(e.getKey(), e.getValue().textValue());
            }
        });
        return new DockerEvent(json, root.path("Type").textValue(), root.path("Action").asText(""),
            actor.path("ID").asText(""), attributes, root.path("timeNano").asLong());
    }

    /** Returns what tells two deliveries of one event apart from two events: time, actor and action. */
    public Key key() {
        return new Key(timeNano, actorId, action);
    }

    /** The identity of an event, for dropping the copy a catch-up and the live stream both deliver. */
    public record Key(long timeNano, String actorId, String action) {
    }
}
