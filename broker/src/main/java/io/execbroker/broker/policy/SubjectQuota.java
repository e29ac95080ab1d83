package io.execbroker.broker.policy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many of something (sessions, watches) each subject holds, against a cap, so that one user cannot take
 * every slot of the broker. A subject holding nothing takes no memory. Thread safe.
 */
public final class SubjectQuota {
    private final Map<String, Integer> held = new ConcurrentHashMap<>();

    /**
     * Counts one more for {@code subject}; returns false (and counts nothing) when it already holds {@code max}.
     * Each true must be followed by one {@link #release}.
     */
    public boolean tryClaim(String subject, int max) {
        boolean[] claimed = {false};
        held.compute(subject, (k, n) -> {
            int count = n == null ? 0 : n;
            if (count >= max) {
                return n;
            }
            claimed[0] = true;
            return count + 1;
        });
        return claimed[0];
    }

    /** Gives back one claimed with {@link #tryClaim}. */
    public void release(String subject) {
        held.computeIfPresent(subject, (k, n) -> n <= 1 ? null : n - 1);
    }

    /** Returns how many {@code subject} holds now. */
    public int held(String subject) {
        return held.getOrDefault(subject, 0);
    }
}
