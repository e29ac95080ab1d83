package io.execbroker.broker.events;

import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a watcher asked for in its URL: {@code filter=...} (repeatable), {@code type=...} (repeatable, the same as
 * {@code filter=type=...}), {@code since=} and {@code until=}. Times are Unix seconds, with up to nine decimals
 * ({@code 1700000000} or {@code 1700000000.5}), as Docker takes them, or Unix nanoseconds, a {@code timeNano}
 * (16 digits or more). {@code since} in seconds is inclusive, as in Docker; {@code since} in nanoseconds means
 * "after that event", the form a reconnect uses with the last {@code timeNano} it received, so that event is not
 * sent twice. {@code until} is inclusive. Immutable.
 *
 * @param filter the watcher's filter
 * @param sinceNanos the first time an event may have, inclusive, when events from the past are asked for
 * @param untilNanos the last time an event may have, inclusive; the watch ends with 1000 once it has passed
 */
public record WatchQuery(EventFilter filter, OptionalLong sinceNanos, OptionalLong untilNanos) {
    private static final Pattern SECONDS = Pattern.compile("(\\d{1,12})(?:\\.(\\d{1,9}))?");
    private static final Pattern NANOS = Pattern.compile("\\d{16,19}");

    /**
     * Parses the query parameters of a watch.
     *
     * @throws IllegalArgumentException naming the bad parameter or part and what was expected
     */
    public static WatchQuery parse(List<String> filters, List<String> types, String since, String until) {
        EventFilter filter = EventFilter.parse(filters);
        for (String type : types) {
            if (type.isEmpty() || type.indexOf(',') >= 0) {
                throw new IllegalArgumentException("type: \"" + type + "\" (expected: one Docker event type, like container)");
            }
        }
        OptionalLong from = since == null ? OptionalLong.empty() : OptionalLong.of(time("since", since, true));
        OptionalLong to = until == null ? OptionalLong.empty() : OptionalLong.of(time("until", until, false));
        if (from.isPresent() && to.isPresent() && to.getAsLong() < from.getAsLong()) {
            throw new IllegalArgumentException("until: " + until + " (expected: not before since " + since + ")");
        }
        return new WatchQuery(filter.withTypes(types), from, to);
    }

    /** Returns whether {@code timeNano} lies within since and until. */
    public boolean inTime(long timeNano) {
        return (sinceNanos.isEmpty() || timeNano >= sinceNanos.getAsLong())
            && (untilNanos.isEmpty() || timeNano <= untilNanos.getAsLong());
    }

    private static long time(String name, String text, boolean exclusiveNanos) {
        if (NANOS.matcher(text).matches()) {
            try {
                long nanos = Long.parseLong(text);
                return exclusiveNanos ? nanos + 1 : nanos;
            } catch (NumberFormatException e) {
                // Too large for a long: fall through to the refusal.
            }
        }
        Matcher seconds = SECONDS.matcher(text);
        if (!seconds.matches()) {
            throw new IllegalArgumentException(name + ": \"" + (text.length() > 40 ? text.substring(0, 40) + "..." : text)
                + "\" (expected: Unix seconds, like 1700000000 or 1700000000.5, or nanoseconds, like a timeNano)");
        }
        String fraction = seconds.group(2) == null ? "" : seconds.group(2);
        return Long.parseLong(seconds.group(1)) * 1_000_000_000L
            + Long.parseLong((fraction + "000000000").substring(0, 9));
    }

    /** Returns {@code nanos} in the form Docker's {@code since} and {@code until} take: seconds with nine decimals. */
    static String dockerTime(long nanos) {
        return nanos / 1_000_000_000L + "." + String.format("%09d", nanos % 1_000_000_000L);
    }
}
