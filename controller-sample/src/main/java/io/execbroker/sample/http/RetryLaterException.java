package io.execbroker.sample.http;

import java.time.Duration;
import java.util.Objects;

/**
 * A refusal the client may retry: {@link FailureHandler} answers its status with a {@code Retry-After} header, like
 * {@code 429} and {@code Retry-After: 6}.
 */
final class RetryLaterException extends RuntimeException {
    private final int statusCode;
    private final Duration retryAfter;

    RetryLaterException(int statusCode, String message, Duration retryAfter) {
        super(message, null, false, false);
        this.statusCode = statusCode;
        this.retryAfter = Objects.requireNonNull(retryAfter, "retryAfter");
    }

    int statusCode() {
        return statusCode;
    }

    /** Returns the {@code Retry-After} value: whole seconds, rounded up, at least 1. */
    String retryAfterSeconds() {
        long millis = retryAfter.toMillis();
        return Long.toString(Math.max(1, (millis + 999) / 1000));
    }
}
