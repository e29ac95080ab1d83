package io.execbroker.protocol.grant;

import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a watch may see of Docker's event stream: the {@code events} object of a watch grant, like
 * {@code {"containers":["web-*"],"labels":["team=a"],"types":["container"]}}. Container events pass when the
 * container's real name matches one of {@code containers} (exact or glob, {@code *} any run, {@code ?} one character)
 * and it carries every one of {@code labels}; events of any other type pass only when {@code types} names it. The
 * broker's own policy narrows this further. Immutable; collections are copied in.
 *
 * @param containers names or globs of Docker's real container name, without the leading slash; {@code ["*"]} for
 *     every container. Empty with labels set: any name
 * @param labels labels every container must carry: {@code key} (set, to any value) or {@code key=value}
 * @param types Docker event types the watch may see, like {@code container} or {@code image}; never empty
 * @param commands whether exec events keep their command line ({@code exec_start: sh -c ls}); false, the default,
 *     cuts it to {@code exec_start}, as an argv may carry a secret of another user of the container
 */
public record EventScope(List<String> containers, List<String> labels, Set<String> types, boolean commands) {
    /** The event types Docker's engine API defines; any other value is refused. */
    public static final Set<String> DOCKER_TYPES = Set.of("builder", "config", "container", "daemon", "image",
        "network", "node", "plugin", "secret", "service", "volume");
    /** The type of a scope that names none: container events only. */
    public static final String CONTAINER = "container";
    /**
     * Keys Docker itself puts into a container event's attributes next to the labels. A label with one of these
     * keys cannot be told apart from Docker's value, so a scope may not name it.
     */
    public static final Set<String> DOCKER_ATTRIBUTES = Set.of("image", "name", "exitCode", "execDuration", "signal",
        "execID", "oldName");
    /** Most patterns in each list (DoS protection: every event is matched against them). */
    public static final int MAX_PATTERNS = 64;

    public EventScope {
        containers = patterns("events.containers", containers);
        for (int i = 0; i < containers.size(); i++) {
            if (containers.get(i).startsWith("/")) {
                throw new InvalidGrantException("events.containers[" + i + "]", "\"" + containers.get(i)
                    + "\" (expected: a name or glob without the leading slash)");
            }
        }
        labels = patterns("events.labels", labels);
        for (int i = 0; i < labels.size(); i++) {
            String key = labelKey(labels.get(i));
            if (key.isEmpty() || DOCKER_ATTRIBUTES.contains(key)) {
                throw new InvalidGrantException("events.labels[" + i + "]", "\"" + labels.get(i) + "\" (expected: key"
                    + " or key=value, with a key other than Docker's own event attributes " + new TreeSet<>(DOCKER_ATTRIBUTES) + ")");
            }
        }
        Objects.requireNonNull(types, "types");
        if (types.isEmpty()) {
            throw new InvalidGrantException("events.types", "empty (expected: one or more of " + new TreeSet<>(DOCKER_TYPES)
                + ", or leave it out for [container])");
        }
        for (String type : types) {
            if (!DOCKER_TYPES.contains(type)) {
                throw new InvalidGrantException("events.types", "\"" + type + "\" (expected: one of "
                    + new TreeSet<>(DOCKER_TYPES) + ")");
            }
        }
        types = Collections.unmodifiableSet(new TreeSet<>(types));
        if (types.contains(CONTAINER) && containers.isEmpty() && labels.isEmpty()) {
            throw new InvalidGrantException("events.containers", "missing (expected: names or globs, or labels, to say"
                + " which containers; [\"*\"] for every container)");
        }
    }

    /** A scope that cuts the command lines of exec events, the default. */
    public EventScope(List<String> containers, List<String> labels, Set<String> types) {
        this(containers, labels, types, false);
    }

    /** Returns the key of a label selector: {@code team} for {@code team=a} and for {@code team}. */
    public static String labelKey(String selector) {
        int eq = selector.indexOf('=');
        return eq < 0 ? selector : selector.substring(0, eq);
    }

    private static List<String> patterns(String field, List<String> values) {
        if (values == null) {
            return List.of();
        }
        if (values.size() > MAX_PATTERNS) {
            throw new InvalidGrantException(field, values.size() + " elements (expected: <= " + MAX_PATTERNS + ")");
        }
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value == null || value.isEmpty() || value.length() > 1024 || value.indexOf('\0') >= 0) {
                throw new InvalidGrantException(field + "[" + i + "]", (value == null ? "null" : value.isEmpty() ? "empty"
                    : "too long or with a NUL byte") + " (expected: a non-empty string of at most 1024 chars)");
            }
        }
        return List.copyOf(values);
    }
}
