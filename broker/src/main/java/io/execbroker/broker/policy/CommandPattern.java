package io.execbroker.broker.policy;

import java.util.ArrayList;
import java.util.List;

/**
 * One allowed argv: element patterns matched one to one against the command (see {@link Glob}), where a final
 * {@code **} matches any further arguments, none included. {@code [cat, /var/log/*]} allows {@code cat
 * /var/log/syslog} but not {@code cat /var/log/syslog /etc/shadow}; {@code [/usr/bin/*, **]} allows any program
 * in {@code /usr/bin} with any arguments. Immutable, thread safe.
 */
final class CommandPattern {
    /** As the last element: any further arguments. */
    static final String ANY_FURTHER = "**";

    private final List<Glob> elements;
    private final boolean anyFurther;

    private CommandPattern(List<Glob> elements, boolean anyFurther) {
        this.elements = elements;
        this.anyFurther = anyFurther;
    }

    /**
     * Parses one pattern of the {@code key} rule, like {@code commands[2]}.
     *
     * @throws IllegalArgumentException naming {@code key} and the bad element
     */
    static CommandPattern parse(String key, List<String> pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw new IllegalArgumentException(key + ": " + pattern + " (expected: at least the program)");
        }
        List<Glob> elements = new ArrayList<>();
        for (int i = 0; i < pattern.size(); i++) {
            String element = pattern.get(i);
            if (element == null) {
                throw new IllegalArgumentException(key + "[" + i + "]: null (expected: a string or a glob)");
            }
            if (element.equals(ANY_FURTHER) && i != pattern.size() - 1) {
                throw new IllegalArgumentException(key + "[" + i + "]: \"**\" (expected: ** only as the last element)");
            }
            if (element.equals(ANY_FURTHER) && i == 0) {
                throw new IllegalArgumentException(key + "[0]: \"**\" (expected: the program before **)");
            }
            if (!element.equals(ANY_FURTHER)) {
                elements.add(Glob.of(element));
            }
        }
        return new CommandPattern(List.copyOf(elements), pattern.get(pattern.size() - 1).equals(ANY_FURTHER));
    }

    boolean matches(List<String> command) {
        if (command.size() < elements.size() || (!anyFurther && command.size() != elements.size())) {
            return false;
        }
        for (int i = 0; i < elements.size(); i++) {
            if (!elements.get(i).matches(command.get(i))) {
                return false;
            }
        }
        return true;
    }
}
