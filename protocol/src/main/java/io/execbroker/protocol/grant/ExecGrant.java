package io.execbroker.protocol.grant;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one session may run: the answer of the controller or the JWT, before the broker's own policy. Immutable;
 * collections are copied in. The JSON form is read and written by {@link GrantJson}.
 *
 * @param container the container's name or id, like {@code web-1}
 * @param command the argv to exec, like {@code [/bin/sh, -c, ls]}; never empty
 * @param tty whether the process gets a terminal (one raw output stream) or separate stdout and stderr
 * @param user the user to exec as, like {@code 1000} or {@code app:app}; empty means the container's default
 * @param workdir the absolute working directory; empty means the container's default
 * @param env extra environment variables, sorted by key
 * @param subject who the grant is for, like {@code alice}, for the audit log and per-subject limits
 * @param limits the grant's own session limits
 */
public record ExecGrant(
        String container,
        List<String> command,
        boolean tty,
        Optional<String> user,
        Optional<String> workdir,
        Map<String, String> env,
        Optional<String> subject,
        GrantLimits limits) {

    /** Most argv elements a grant may hold (Linux allows more, but no shell command needs them). */
    public static final int MAX_ARGS = 1024;
    /** Most environment variables a grant may set. */
    public static final int MAX_ENV = 256;
    /** Longest single string in a grant, in chars: an argv element, an env value, a name. */
    public static final int MAX_STRING_CHARS = 64 * 1024;

    public ExecGrant {
        container = checkString("container", container);
        if (container.isEmpty()) {
            throw new InvalidGrantException("container", "empty (expected: a container name or id)");
        }
        Objects.requireNonNull(command, "command");
        if (command.isEmpty()) {
            throw new InvalidGrantException("command", "empty (expected: at least the program to run)");
        }
        if (command.size() > MAX_ARGS) {
            throw new InvalidGrantException("command", command.size() + " elements (expected: <= " + MAX_ARGS + ")");
        }
        for (int i = 0; i < command.size(); i++) {
            checkString("command[" + i + "]", command.get(i));
        }
        if (command.get(0).isEmpty()) {
            throw new InvalidGrantException("command[0]", "empty (expected: the program to run)");
        }
        command = List.copyOf(command);
        user = checkOptional("user", user);
        workdir = checkOptional("workdir", workdir);
        workdir.ifPresent(dir -> {
            if (!dir.startsWith("/")) {
                throw new InvalidGrantException("workdir", "\"" + dir + "\" (expected: an absolute path)");
            }
        });
        env = checkEnv(env);
        subject = checkOptional("subject", subject);
        limits = limits == null ? GrantLimits.NONE : limits;
    }

    /** Returns a builder for a grant to run {@code command} in {@code container}. */
    public static Builder builder(String container, List<String> command) {
        return new Builder(container, command);
    }

    /** Returns a builder that starts from this grant. */
    public Builder toBuilder() {
        return new Builder(container, command).tty(tty).user(user.orElse(null)).workdir(workdir.orElse(null))
            .env(env).subject(subject.orElse(null)).limits(limits);
    }

    /** Returns a copy of this grant for {@code newContainer}, like the id its name resolved to. */
    public ExecGrant withContainer(String newContainer) {
        return new ExecGrant(newContainer, command, tty, user, workdir, env, subject, limits);
    }

    /** Returns a copy of this grant that runs {@code newCommand} instead. */
    public ExecGrant withCommand(List<String> newCommand) {
        return new ExecGrant(container, newCommand, tty, user, workdir, env, subject, limits);
    }

    private static String checkString(String field, String value) {
        if (value == null) {
            throw new InvalidGrantException(field, "missing (expected: a string)");
        }
        if (value.length() > MAX_STRING_CHARS) {
            throw new InvalidGrantException(field, value.length() + " chars (expected: <= " + MAX_STRING_CHARS + ")");
        }
        if (value.indexOf('\0') >= 0) {
            throw new InvalidGrantException(field, "contains a NUL byte");
        }
        return value;
    }

    private static Optional<String> checkOptional(String field, Optional<String> value) {
        if (value == null || value.isEmpty()) {
            return Optional.empty();
        }
        if (checkString(field, value.get()).isEmpty()) {
            throw new InvalidGrantException(field, "empty (expected: a value, or leave the field out)");
        }
        return value;
    }

    private static Map<String, String> checkEnv(Map<String, String> env) {
        if (env == null) {
            return Map.of();
        }
        if (env.size() > MAX_ENV) {
            throw new InvalidGrantException("env", env.size() + " entries (expected: <= " + MAX_ENV + ")");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        env.forEach((key, value) -> {
            checkString("env", key);
            if (key.isEmpty() || key.indexOf('=') >= 0) {
                throw new InvalidGrantException("env", "key \"" + key + "\" (expected: non-empty, without '=')");
            }
            sorted.put(key, checkString("env." + key, value));
        });
        return Collections.unmodifiableSortedMap(sorted);
    }

    /** Builds a grant. Not thread safe. */
    public static final class Builder {
        private final String container;
        private final List<String> command;
        private boolean tty;
        private String user;
        private String workdir;
        private Map<String, String> env = Map.of();
        private String subject;
        private GrantLimits limits = GrantLimits.NONE;

        private Builder(String container, List<String> command) {
            this.container = container;
            this.command = command;
        }

        public Builder tty(boolean tty) {
            this.tty = tty;
            return this;
        }

        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder workdir(String workdir) {
            this.workdir = workdir;
            return this;
        }

        public Builder env(Map<String, String> env) {
            this.env = env;
            return this;
        }

        public Builder subject(String subject) {
            this.subject = subject;
            return this;
        }

        public Builder limits(GrantLimits limits) {
            this.limits = limits;
            return this;
        }

        /** @throws InvalidGrantException naming the field that is wrong */
        public ExecGrant build() {
            return new ExecGrant(container, command, tty, Optional.ofNullable(user), Optional.ofNullable(workdir),
                env, Optional.ofNullable(subject), limits);
        }
    }
}
