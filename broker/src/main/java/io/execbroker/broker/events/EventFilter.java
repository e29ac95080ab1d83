package io.execbroker.broker.events;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A watcher's own filter, in the original syntax: {@code container=web-1,image=busybox,label=k,label=k=v,event=start,
 * type=container}, as many parts as it likes. As in Docker, parts with different keys must all hold and values of one
 * key are alternatives, except {@code label}, where every label must be there (Docker's rule too). It only ever
 * narrows what the grant's scope lets through; it is never sent to Docker as authority. Immutable, thread safe.
 */
public final class EventFilter {
    /** The keys a filter may use. */
    public static final Set<String> KEYS = Set.of("container", "image", "label", "event", "type");
    /** Most filter parts in one watch (DoS protection: every event is matched against them). */
    public static final int MAX_PARTS = 64;
    /** No filter: every event the scope allows. */
    public static final EventFilter NONE = new EventFilter(Map.of());

    private final Map<String, List<String>> values;

    private EventFilter(Map<String, List<String>> values) {
        this.values = values;
    }

    /**
     * Parses the {@code filter} query parameters, each a comma-separated list of {@code key=value} parts.
     *
     * @throws IllegalArgumentException naming the bad part and what was expected
     */
    public static EventFilter parse(List<String> filters) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        int parts = 0;
        for (String filter : filters) {
            for (String part : filter.split(",", -1)) {
                if (++parts > MAX_PARTS) {
                    throw new IllegalArgumentException("filter: more than " + MAX_PARTS + " parts");
                }
                int eq = part.indexOf('=');
                String key = eq < 0 ? part : part.substring(0, eq);
                String value = eq < 0 ? "" : part.substring(eq + 1);
                if (eq < 0 || value.isEmpty() || !KEYS.contains(key)) {
                    throw new IllegalArgumentException("filter: \"" + shown(part) + "\" (expected: key=value with a key"
                        + " of container, image, label, event, type, like container=web-1 or label=k=v)");
                }
                if (key.equals("label") && value.startsWith("=")) {
                    throw new IllegalArgumentException("filter: \"" + shown(part) + "\" (expected: label=key or"
                        + " label=key=value)");
                }
                values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            }
        }
        values.replaceAll((k, v) -> List.copyOf(v));
        return values.isEmpty() ? NONE : new EventFilter(Map.copyOf(values));
    }

    /** Returns this filter with {@code types} added to its {@code type} values. */
    EventFilter withTypes(List<String> types) {
        if (types.isEmpty()) {
            return this;
        }
        Map<String, List<String>> more = new LinkedHashMap<>(values);
        List<String> all = new ArrayList<>(values.getOrDefault("type", List.of()));
        all.addAll(types);
        more.put("type", List.copyOf(all));
        return new EventFilter(Map.copyOf(more));
    }

    /** Returns the values of {@code key}, like the {@code type} values; empty when it is not used. */
    public List<String> values(String key) {
        return values.getOrDefault(key, List.of());
    }

    public boolean matches(DockerEvent event) {
        return any("type", v -> v.equals(event.type()))
            && any("event", v -> event.action().equals(v) || event.action().startsWith(v + ":"))
            && any("container", v -> event.type().equals("container")
                && (v.equals(event.attributes().get("name")) || event.actorId().startsWith(v)))
            && any("image", v -> image(v, event))
            && values("label").stream().allMatch(v -> label(v, event.attributes()));
    }

    private boolean any(String key, java.util.function.Predicate<String> test) {
        List<String> wanted = values.get(key);
        return wanted == null || wanted.stream().anyMatch(test);
    }

    private static boolean image(String wanted, DockerEvent event) {
        String candidate = event.type().equals("image") ? event.attributes().getOrDefault("name", event.actorId())
            : event.attributes().get("image");
        return candidate != null && (untagged(candidate).equals(untagged(wanted))
            || event.type().equals("image") && event.actorId().equals(wanted));
    }

    private static String untagged(String image) {
        return image.endsWith(":latest") ? image.substring(0, image.length() - ":latest".length()) : image;
    }

    static boolean label(String selector, Map<String, String> attributes) {
        int eq = selector.indexOf('=');
        return eq < 0 ? attributes.containsKey(selector)
            : selector.substring(eq + 1).equals(attributes.get(selector.substring(0, eq)));
    }

    private static String shown(String part) {
        String cut = part.length() > 80 ? part.substring(0, 80) + "..." : part;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
