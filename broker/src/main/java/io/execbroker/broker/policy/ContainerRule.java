package io.execbroker.broker.policy;

/**
 * One allowed container, matched against what Docker says about it, never against what the grant calls it:
 * an exact name or a {@link Glob} of the name (without Docker's leading slash), like {@code web-1} or
 * {@code web-*}, or a label selector, {@code label:key} (the label is set, to any value) or
 * {@code label:key=value} (set to exactly that value).
 */
@FunctionalInterface
interface ContainerRule {
    /** Prefix of a label selector. */
    String LABEL = "label:";

    boolean matches(ContainerInfo container);

    /**
     * Parses one entry of the {@code key} rule, like {@code containers[0]}.
     *
     * @throws IllegalArgumentException naming {@code key} and the bad entry
     */
    static ContainerRule parse(String key, String text) {
        if (text == null || text.isEmpty() || text.startsWith("/")) {
            throw new IllegalArgumentException(key + ": " + (text == null ? "null" : "\"" + text + "\"")
                + " (expected: a name without a leading slash, a glob like web-*, label:key or label:key=value)");
        }
        if (!text.startsWith(LABEL)) {
            Glob name = Glob.of(text);
            return container -> name.matches(container.name());
        }
        String selector = text.substring(LABEL.length());
        int eq = selector.indexOf('=');
        String label = eq < 0 ? selector : selector.substring(0, eq);
        if (label.isEmpty()) {
            throw new IllegalArgumentException(key + ": \"" + text + "\" (expected: label:key or label:key=value)");
        }
        if (eq < 0) {
            return container -> container.labels().containsKey(label);
        }
        String value = selector.substring(eq + 1);
        return container -> value.equals(container.labels().get(label));
    }
}
