package io.execbroker.broker.policy;

import java.util.Objects;

/**
 * One element pattern of a policy rule: an exact string, or a glob where {@code *} matches any run of characters
 * (empty included) and {@code ?} one character. Neither wildcard crosses {@code /}, and a glob never matches a
 * value with a {@code ..} path segment, so {@code /var/log/*} allows {@code /var/log/syslog} but neither
 * {@code /var/log/nginx/access.log} nor {@code /var/log/../../etc/shadow}. There is no escape: a pattern holding
 * {@code *} or {@code ?} is a glob. Immutable, thread safe.
 */
public final class Glob {
    private final String pattern;
    private final String[] segments;

    private Glob(String pattern) {
        this.pattern = pattern;
        this.segments = isGlob(pattern) ? pattern.split("/", -1) : null;
    }

    /** Returns the pattern for {@code text}, like {@code web-*}; never null. */
    public static Glob of(String text) {
        return new Glob(Objects.requireNonNull(text, "text"));
    }

    static boolean isGlob(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    public boolean matches(String value) {
        if (segments == null) {
            return pattern.equals(value);
        }
        // Wildcards never match '/', so each '/' in the value must meet a '/' in the pattern: match segment-wise.
        String[] parts = value.split("/", -1);
        if (parts.length != segments.length) {
            return false;
        }
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("..") || !matchesSegment(segments[i], parts[i])) {
                return false;
            }
        }
        return true;
    }

    /** Greedy match with backtracking to the last star only: linear for usual patterns, never exponential. */
    private static boolean matchesSegment(String p, String s) {
        int pi = 0;
        int si = 0;
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
