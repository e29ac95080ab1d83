package io.execbroker.sample.http;

/** Names of the values the app keeps in the server-side session. */
final class SessionKeys {
    /** The signed-in user's name; absent before login. */
    static final String USER = "user";
    /** The CSRF token of this session. */
    static final String CSRF = "csrf";

    private SessionKeys() {
    }
}
