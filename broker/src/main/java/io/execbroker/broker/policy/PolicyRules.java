package io.execbroker.broker.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The broker's own rules, which every grant must pass whichever authorizer made it (defense in depth). An empty
 * list means that rule is not enforced. Immutable; lists are copied in and checked once, naming the bad key.
 *
 * <p>There is no rule for privileged exec because it is never granted: {@code ExecGrant} has no field for it,
 * and {@code DockerControl.createExec} always calls {@code withPrivileged(false)}.
 *
 * @param containers allowed containers: names like {@code web-1}, globs like {@code web-*}, or label selectors
 *     {@code label:key} and {@code label:key=value}; matched against the name and labels Docker reports
 * @param commands allowed argv patterns, like {@code [ps, aux]}, {@code [cat, /var/log/*]} or
 *     {@code [/usr/bin/*, **]}: one exact string or glob per argument, and a final {@code **} for any further ones
 * @param tty whether a grant may, or must, ask for a terminal
 * @param users allowed exec users, compared exactly with the grant's user, like {@code 1000}, {@code app} or
 *     {@code app:app}; root passes only when listed ({@code 0}, {@code root}, {@code 0:0}... each as written)
 * @param allowDefaultUser whether a grant that names no user may run as the container's default user, which may
 *     be root and cannot be known here; checked whether or not {@code users} is empty
 * @param envKeys allowed environment variable names, exact or glob, like {@code LANG} or {@code APP_*}; a grant
 *     setting any other key is refused
 */
public record PolicyRules(
        List<String> containers,
        List<List<String>> commands,
        TtyRule tty,
        List<String> users,
        boolean allowDefaultUser,
        List<String> envKeys) {

    /** No rules configured: every grant passes, and no Docker call is made. */
    public static final PolicyRules ALLOW_ALL = new PolicyRules(List.of(), List.of(), TtyRule.ANY, List.of(), true,
        List.of());

    public PolicyRules {
        containers = copy("containers", containers);
        for (int i = 0; i < containers.size(); i++) {
            ContainerRule.parse("containers[" + i + "]", containers.get(i));
        }
        Objects.requireNonNull(commands, "commands");
        List<List<String>> argvs = new ArrayList<>();
        for (int i = 0; i < commands.size(); i++) {
            CommandPattern.parse("commands[" + i + "]", commands.get(i));
            argvs.add(List.copyOf(commands.get(i)));
        }
        commands = List.copyOf(argvs);
        Objects.requireNonNull(tty, "tty");
        users = copy("users", users);
        envKeys = copy("envKeys", envKeys);
        for (int i = 0; i < envKeys.size(); i++) {
            if (envKeys.get(i).indexOf('=') >= 0) {
                throw new IllegalArgumentException("envKeys[" + i + "]: \"" + envKeys.get(i)
                    + "\" (expected: a name or glob without '=')");
            }
        }
    }

    public PolicyRules withContainers(List<String> value) {
        return new PolicyRules(value, commands, tty, users, allowDefaultUser, envKeys);
    }

    public PolicyRules withCommands(List<List<String>> value) {
        return new PolicyRules(containers, value, tty, users, allowDefaultUser, envKeys);
    }

    public PolicyRules withTty(TtyRule value) {
        return new PolicyRules(containers, commands, value, users, allowDefaultUser, envKeys);
    }

    public PolicyRules withUsers(List<String> value, boolean defaultUserAllowed) {
        return new PolicyRules(containers, commands, tty, value, defaultUserAllowed, envKeys);
    }

    public PolicyRules withEnvKeys(List<String> value) {
        return new PolicyRules(containers, commands, tty, users, allowDefaultUser, value);
    }

    /** Returns a copy of {@code values}, which must hold no null and no empty string. */
    private static List<String> copy(String key, List<String> values) {
        Objects.requireNonNull(values, key);
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) == null || values.get(i).isEmpty()) {
                throw new IllegalArgumentException(key + "[" + i + "]: " + (values.get(i) == null ? "null" : "\"\"")
                    + " (expected: a non-empty string)");
            }
        }
        return List.copyOf(values);
    }
}
