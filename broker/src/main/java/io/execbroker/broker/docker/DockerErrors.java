package io.execbroker.broker.docker;

import com.github.dockerjava.api.exception.DockerException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns Docker failures into short messages fit for a client: Docker's own message, no stack, no JSON. */
public final class DockerErrors {
    private static final Pattern MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final int MAX_CHARS = 300;

    private DockerErrors() {
    }

    /** Returns what went wrong, like {@code No such container: web-1}. */
    public static String describe(Throwable failure) {
        String text = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
        if (failure instanceof DockerException) {
            Matcher m = MESSAGE.matcher(text);
            if (m.find()) {
                text = m.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
        }
        text = text.strip();
        return text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) + "..." : text;
    }
}
