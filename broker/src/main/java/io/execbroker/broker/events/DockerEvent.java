package io.execbroker.broker.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.execbroker.protocol.grant.EventScope;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event of Docker's stream, read once and shared by every watcher: the JSON text exactly as Docker sent it
 * (sent on unchanged), and the fields the broker matches on. Immutable to its users; its caches
 * ({@link #withoutCommand}, {@link #labels}) hold immutable values, so a race between two threads filling one only
 * computes it twice.
 */
public final class DockerEvent {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** The actions whose text goes on with the exec's command line, like {@code exec_start: sh -c ls}. */
    private static final String[] WITH_COMMAND = {"exec_create", "exec_start"};

    private final String json;
    private final String type;
    private final String action;
    private final String actorId;
    private final Map<String, String> attributes;
    private final long timeNano;
    private DockerEvent withoutCommand;
    private Map<String, String> labels;

    /**
     * @param json Docker's event JSON, unchanged
     * @param type {@code Type}, like {@code container}
     * @param action {@code Action}, like {@code start} or {@code exec_start: sh -c ls}
     * @param actorId {@code Actor.ID}, like the container's full id
     * @param attributes {@code Actor.Attributes}: for a container event its labels, {@code name}, {@code image}, ...
     * @param timeNano {@code timeNano}, Docker's time of the event in Unix nanoseconds
     */
    public DockerEvent(String json, String type, String action, String actorId, Map<String, String> attributes,
                       long timeNano) {
        this.json = Objects.requireNonNull(json, "json");
        this.type = Objects.requireNonNull(type, "type");
        this.action = Objects.requireNonNull(action, "action");
        this.actorId = Objects.requireNonNull(actorId, "actorId");
        this.attributes = Map.copyOf(attributes);
        this.timeNano = timeNano;
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

    public String json() {
        return json;
    }

    public String type() {
        return type;
    }

    public String action() {
        return action;
    }

    public String actorId() {
        return actorId;
    }

    public Map<String, String> attributes() {
        return attributes;
    }

    public long timeNano() {
        return timeNano;
    }

    /**
     * Returns the container's labels: the attributes without Docker's own keys ({@link EventScope#DOCKER_ATTRIBUTES}),
     * so that no rule can be met by Docker's {@code name} or {@code image}. Computed once per event, however many
     * watchers match it.
     */
    public Map<String, String> labels() {
        if (labels == null) {
            Map<String, String> only = new HashMap<>(attributes);
            only.keySet().removeAll(EventScope.DOCKER_ATTRIBUTES);
            labels = Map.copyOf(only);
        }
        return labels;
    }

    /**
     * Returns this event without the command line of an exec: for {@code exec_create: sh -c ls} and
     * {@code exec_start: sh -c ls}, the same JSON with {@code Action} and {@code status} cut to
     * {@code exec_create} / {@code exec_start} (an argv may carry a secret of another user of the container);
     * this event itself for every other action. Computed once per event, however many watchers get it.
     */
    public DockerEvent withoutCommand() {
        if (withoutCommand == null) {
            withoutCommand = commandOf(action) < 0 ? this : cut();
        }
        return withoutCommand;
    }

    private DockerEvent cut() {
        String bare = action.substring(0, commandOf(action));
        try {
            ObjectNode root = (ObjectNode) MAPPER.readTree(json);
            root.put("Action", bare);
            if (root.has("status")) {
                root.put("status", bare);
            }
            return new DockerEvent(MAPPER.writeValueAsString(root), type, bare, actorId, attributes, timeNano);
        } catch (JsonProcessingException | ClassCastException e) {
            // Not possible for an event parse() read; never send a command on when it is.
            throw new IllegalStateException("cannot rewrite a Docker event", e);
        }
    }

    /** Returns where the command of an exec action starts (its ':'), or -1 when the action carries none. */
    private static int commandOf(String action) {
        for (String prefix : WITH_COMMAND) {
            if (action.startsWith(prefix + ":")) {
                return prefix.length();
            }
        }
        return -1;
    }

    /** Returns what tells two deliveries of one event apart from two events: time, actor and action. */
    public Key key() {
        return new Key(timeNano, actorId, action);
    }

    @Override
    public String toString() {
        return type + " " + (commandOf(action) < 0 ? action : action.substring(0, commandOf(action))) + " " + actorId;
    }

    /** The identity of an event, for dropping the copy a catch-up and the live stream both deliver. */
    public record Key(long timeNano, String actorId, String action) {
    }
}
