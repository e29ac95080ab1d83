package io.execbroker.protocol.grant;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON form of an {@link ExecGrant} (DESIGN.md §5), read strictly: every field has one type, {@code null}
 * means "not set" for optional fields, duplicate keys and trailing data are errors, and unknown fields are
 * ignored so that controllers can add their own. Also reads the ws-subprocess form
 * {@code {"command": "/usr/bin/nano", "args": ["-v"]}}, whose container is the broker's default one.
 * A grant is for exec (it has {@code command}) or for watching events (it has {@code events} and no
 * {@code command}), never both: {@link #parse} refuses a watch grant and {@link #parseWatch} an exec grant with a
 * {@link GrantPurposeException}. Thread safe.
 */
public final class GrantJson {
    /** Largest grant document, in chars (DoS protection: the tree is built in memory before it is checked). */
    public static final int MAX_DOCUMENT_CHARS = 1024 * 1024;
    /** Deepest nesting a grant may have; the schema needs 2, the rest is room for controllers' extra fields. */
    public static final int MAX_NESTING_DEPTH = 16;

    private static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
        .streamReadConstraints(StreamReadConstraints.builder()
            .maxDocumentLength(MAX_DOCUMENT_CHARS)
            .maxNestingDepth(MAX_NESTING_DEPTH)
            .maxStringLength(ExecGrant.MAX_STRING_CHARS)
            .build())
        .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
        .build())
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private GrantJson() {
    }

    /**
     * Returns the grant in {@code json}.
     *
     * @param defaultContainer the container for grants that name none (the ws-subprocess form), or null
     * @throws GrantPurposeException if it is a watch grant (it has {@code events} and no {@code command})
     * @throws InvalidGrantException naming the field that is wrong, or the JSON error and where it is
     */
    public static ExecGrant parse(String json, String defaultContainer) {
        return fromTree(object(json), defaultContainer);
    }

    /**
     * Returns the watch grant in {@code json}, like {@code {"subject":"alice","events":{"containers":["web-*"]}}}.
     *
     * @throws GrantPurposeException if it is an exec grant (it has {@code command})
     * @throws InvalidGrantException naming the field that is wrong, or the JSON error and where it is
     */
    public static WatchGrant parseWatch(String json) {
        JsonNode root = object(json);
        if (present(root, "command")) {
            throw new GrantPurposeException("an exec grant does not allow watching events");
        }
        JsonNode events = root.get("events");
        if (events == null || events.isNull()) {
            throw new InvalidGrantException("events", "missing (expected: an object with containers, labels, types)");
        }
        return new WatchGrant(optionalString(root, "subject"), scope(events));
    }

    /**
     * Returns the scope in {@code json}, the {@code events} object alone, like {@code {"containers":["web-*"]}}: the
     * form of a JWT's {@code events} claim. Fields are named as in a grant, like {@code events.types}.
     *
     * @throws InvalidGrantException naming the field that is wrong
     */
    public static EventScope parseScope(String json) {
        return scope(object(json));
    }

    private static EventScope scope(JsonNode events) {
        if (!events.isObject()) {
            throw new InvalidGrantException("events", "a " + kind(events) + " (expected: an object)");
        }
        JsonNode types = events.get("types");
        return new EventScope(optionalStrings(events, "containers"), optionalStrings(events, "labels"),
            types == null || types.isNull() ? Set.of(EventScope.CONTAINER)
                : new LinkedHashSet<>(strings("events.types", types)),
            optionalBoolean(events, "commands", "events.commands"));
    }

    private static List<String> optionalStrings(JsonNode events, String name) {
        JsonNode value = events.get(name);
        return value == null || value.isNull() ? List.of() : strings("events." + name, value);
    }

    private static boolean present(JsonNode root, String field) {
        JsonNode value = root.get(field);
        return value != null && !value.isNull();
    }

    private static JsonNode object(String json) {
        if (json == null || json.isBlank()) {
            throw new InvalidGrantException("", "empty document (expected: a JSON object)");
        }
        if (json.length() > MAX_DOCUMENT_CHARS) {
            throw new InvalidGrantException("", "document of " + json.length() + " chars (expected: <= "
                + MAX_DOCUMENT_CHARS + ")");
        }
        JsonNode root;
        JsonParser parser = null;
        try {
            parser = MAPPER.createParser(json);
            root = MAPPER.readTree(parser); // null for no content; trailing data fails (FAIL_ON_TRAILING_TOKENS)
        } catch (StreamConstraintsException e) {
            // Valid JSON with a string, number or nesting over a limit: name where, as for any other bad field.
            throw new InvalidGrantException(field(parser.getParsingContext()), "over a limit ("
                + e.getOriginalMessage() + ")");
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? ""
                : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidGrantException("", "not valid JSON: " + e.getOriginalMessage() + where);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a String holds no I/O
        }
        if (root == null || !root.isObject()) {
            throw new InvalidGrantException("", "a JSON " + (root == null ? "null" : kind(root)) + " (expected: an object)");
        }
        return root;
    }

    /** Returns the path of the value the parser is at, like {@code command[3]} or {@code limits.idleTimeoutSeconds}. */
    private static String field(JsonStreamContext context) {
        StringBuilder path = new StringBuilder();
        for (JsonStreamContext at = context; at != null && !at.inRoot(); at = at.getParent()) {
            if (at.inArray()) {
                path.insert(0, "[" + Math.max(at.getCurrentIndex(), 0) + "]");
            } else if (at.getCurrentName() != null) {
                path.insert(0, (at.getParent() == null || at.getParent().inRoot() ? "" : ".") + at.getCurrentName());
            }
        }
        return path.toString();
    }

    private static ExecGrant fromTree(JsonNode root, String defaultContainer) {
        if (present(root, "events")) {
            if (!present(root, "command")) {
                throw new GrantPurposeException("a watch grant does not allow exec");
            }
            throw new InvalidGrantException("events", "set together with command (expected: a grant for exec or for"
                + " watching events, not both)");
        }
        Optional<String> container = optionalString(root, "container");
        if (container.isEmpty() && defaultContainer == null) {
            throw new InvalidGrantException("container", "missing (expected: a string, as no default container is set)");
        }
        return ExecGrant.builder(container.orElse(defaultContainer), command(root))
            .tty(optionalBoolean(root, "tty"))
            .user(optionalString(root, "user").orElse(null))
            .workdir(optionalString(root, "workdir").orElse(null))
            .env(env(root))
            .subject(optionalString(root, "subject").orElse(null))
            .limits(limits(root))
            .build();
    }

    private static List<String> command(JsonNode root) {
        JsonNode command = root.get("command");
        JsonNode args = root.get("args");
        if (command == null || command.isNull()) {
            throw new InvalidGrantException("command", "missing (expected: an array of strings)");
        }
        if (command.isTextual()) {
            String path = command.textValue();
            if (!path.startsWith("/")) {
                throw new InvalidGrantException("command", "\"" + path + "\" (expected: an absolute path with"
                    + " \"args\", or an array of strings)");
            }
            List<String> argv = new ArrayList<>();
            argv.add(path);
            if (args != null && !args.isNull()) {
                argv.addAll(strings("args", args));
            }
            return argv;
        }
        if (args != null) {
            throw new InvalidGrantException("args", "only allowed with a string \"command\"");
        }
        return strings("command", command);
    }

    private static List<String> strings(String field, JsonNode node) {
        if (!node.isArray()) {
            throw new InvalidGrantException(field, "a " + kind(node) + " (expected: an array of strings)");
        }
        if (node.size() > ExecGrant.MAX_ARGS) {
            throw new InvalidGrantException(field, node.size() + " elements (expected: <= " + ExecGrant.MAX_ARGS + ")");
        }
        List<String> values = new ArrayList<>(node.size());
        for (int i = 0; i < node.size(); i++) {
            JsonNode element = node.get(i);
            if (!element.isTextual()) {
                throw new InvalidGrantException(field + "[" + i + "]", "a " + kind(element) + " (expected: a string)");
            }
            values.add(element.textValue());
        }
        return values;
    }

    private static Map<String, String> env(JsonNode root) {
        JsonNode env = root.get("env");
        if (env == null || env.isNull()) {
            return Map.of();
        }
        if (!env.isObject()) {
            throw new InvalidGrantException("env", "a " + kind(env) + " (expected: an object of strings)");
        }
        if (env.size() > ExecGrant.MAX_ENV) {
            throw new InvalidGrantException("env", env.size() + " entries (expected: <= " + ExecGrant.MAX_ENV + ")");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : env.properties()) {
            if (!entry.getValue().isTextual()) {
                throw new InvalidGrantException("env." + entry.getKey(),
                    "a " + kind(entry.getValue()) + " (expected: a string)");
            }
            values.put(entry.getKey(), entry.getValue().textValue());
        }
        return values;
    }

    private static GrantLimits limits(JsonNode root) {
        JsonNode limits = root.get("limits");
        if (limits == null || limits.isNull()) {
            return GrantLimits.NONE;
        }
        if (!limits.isObject()) {
            throw new InvalidGrantException("limits", "a " + kind(limits) + " (expected: an object)");
        }
        return new GrantLimits(seconds(limits, "idleTimeoutSeconds"), seconds(limits, "maxDurationSeconds"));
    }

    private static Optional<Duration> seconds(JsonNode limits, String name) {
        JsonNode value = limits.get(name);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new InvalidGrantException("limits." + name, "a " + kind(value) + " (expected: whole seconds)");
        }
        return Optional.of(Duration.ofSeconds(value.intValue()));
    }

    private static Optional<String> optionalString(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new InvalidGrantException(field, "a " + kind(value) + " (expected: a string)");
        }
        return Optional.of(value.textValue());
    }

    private static boolean optionalBoolean(JsonNode root, String field) {
        return optionalBoolean(root, field, field);
    }

    /** Reads {@code field} of {@code root}, named {@code shown} in errors (like {@code events.commands}). */
    private static boolean optionalBoolean(JsonNode root, String field, String shown) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new InvalidGrantException(shown, "a " + kind(value) + " (expected: true or false)");
        }
        return value.booleanValue();
    }

    /** Returns the JSON type of {@code node} for messages, like {@code number}. */
    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "array";
            case OBJECT, POJO -> "object";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case NULL, MISSING -> "null";
            case BINARY -> "binary value";
        };
    }

    /** Returns the canonical JSON form of {@code grant}: the array form of command, unset fields left out. */
    public static String toJson(ExecGrant grant) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("container", grant.container());
        ArrayNode command = root.putArray("command");
        grant.command().forEach(command::add);
        root.put("tty", grant.tty());
        grant.user().ifPresent(user -> root.put("user", user));
        grant.workdir().ifPresent(dir -> root.put("workdir", dir));
        if (!grant.env().isEmpty()) {
            ObjectNode env = root.putObject("env");
            grant.env().forEach(env::put);
        }
        grant.subject().ifPresent(subject -> root.put("subject", subject));
        GrantLimits limits = grant.limits();
        if (!limits.equals(GrantLimits.NONE)) {
            ObjectNode node = root.putObject("limits");
            limits.idleTimeout().ifPresent(d -> node.put("idleTimeoutSeconds", d.toSeconds()));
            limits.maxDuration().ifPresent(d -> node.put("maxDurationSeconds", d.toSeconds()));
        }
        return root.toString();
    }
}
