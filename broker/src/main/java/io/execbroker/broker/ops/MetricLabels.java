package io.execbroker.broker.ops;

import java.util.Locale;
import java.util.Set;

/**
 * The values a metric label may take, each from a small fixed set, so that no label can grow without bound or
 * carry what a client chose (a token, a subject, an argv, a close code of its own). Pure functions.
 */
public final class MetricLabels {
    /** The close codes the broker sends or a client sends in the normal course; any other is {@code other}. */
    private static final Set<Integer> CLOSE_CODES = Set.of(1000, 1001, 1002, 1003, 1005, 1006, 1007, 1008, 1009,
        1011, 4000, 4001, 4002, 4003, 4004);
    /** The short reasons of a refused JWT, as {@code JwtAuthorizer} and its claims name them. */
    private static final Set<String> JWT_REASONS = Set.of("expired", "bad_signature", "algorithm_not_allowed",
        "missing_exp", "missing_jti", "jti_too_long", "replayed_token", "replay_cache_full", "not_yet_valid",
        "issued_in_the_future", "wrong_audience", "wrong_issuer", "invalid_claim", "malformed_token", "invalid_token",
        "lifetime_too_long", "unknown_kid", "key_set_unavailable", "missing_exec_claim", "missing_events_claim",
        "invalid_exec_claim", "invalid_events_claim", "both_exec_and_events_claims", "missing_token");

    private MetricLabels() {
    }

    /**
     * Returns the label of an exit code: {@code 0}, {@code 1-125} (the command's own failures), {@code 126} (not
     * executable), {@code 127} (not found), {@code 128+N} for a death by signal N (a shell's convention, as for
     * 137 = 128+9, KILL), or {@code unknown} when no code was had.
     */
    public static String exitCode(Integer code) {
        if (code == null || code < 0 || code > 255) {
            return "unknown";
        }
        if (code == 0 || code == 126 || code == 127) {
            return Integer.toString(code);
        }
        return code < 126 ? "1-125" : "128+" + (code - 128);
    }

    /** Returns the label of a WebSocket close code: itself when it is one of the known ones, else {@code other}. */
    public static String closeCode(int code) {
        return CLOSE_CODES.contains(code) ? Integer.toString(code) : "other";
    }

    /**
     * Returns the label of a refused JWT from the refusal's message, like {@code wrong_audience} for
     * {@code wrong audience}, or {@code other}: the message is the broker's own, and what follows a colon or a
     * parenthesis in it (an algorithm's name, a field) never reaches the label.
     */
    public static String jwtReason(String message) {
        if (message == null) {
            return "other";
        }
        String head = message;
        for (char stop : new char[] {':', '('}) {
            int at = head.indexOf(stop);
            if (at >= 0) {
                head = head.substring(0, at);
            }
        }
        String label = head.trim().toLowerCase(Locale.ROOT).replace(' ', '_');
        if (label.startsWith("missing_") && !JWT_REASONS.contains(label)) {
            return "missing_claim";
        }
        return JWT_REASONS.contains(label) ? label : "other";
    }
}
