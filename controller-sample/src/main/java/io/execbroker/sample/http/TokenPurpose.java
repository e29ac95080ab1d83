package io.execbroker.sample.http;

import io.vertx.ext.web.handler.HttpException;

/**
 * What a token is for, as the broker's controller call says ({@code purpose=events} for a watch, nothing for exec)
 * and as the page asks for it in {@code POST /api/tokens} ({@code {"purpose": "events"}}).
 */
enum TokenPurpose {
    /** An exec session: the grant has a {@code command}. */
    EXEC("exec"),
    /** A watch of Docker events: the grant has {@code events} and no command. */
    EVENTS("events");

    private final String wireName;

    TokenPurpose(String wireName) {
        this.wireName = wireName;
    }

    /** Returns the value on the wire, like {@code events}. */
    String wireName() {
        return wireName;
    }

    /**
     * Returns the purpose named {@code value}; null means exec, as for the exec calls of brokers that predate watches.
     *
     * @throws HttpException 400 naming the value and the expected ones
     */
    static TokenPurpose parse(String field, String value) {
        if (value == null) {
            return EXEC;
        }
        for (TokenPurpose purpose : values()) {
            if (purpose.wireName.equals(value)) {
                return purpose;
            }
        }
        throw new HttpException(400, field + ": \"" + (value.length() > 64 ? value.substring(0, 64) + "…" : value)
            + "\" (expected: events, or exec or none for an exec session)");
    }
}
