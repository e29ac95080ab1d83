package io.execbroker.broker.policy;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether the broker's policy lets a grant run. The message is for the audit log only, like
 * {@code command [rm, -rf, /] matches no allowed command pattern}; it never holds an env value. What the client
 * is told, and with which status, is the caller's choice. Immutable.
 *
 * @param refusedBy the rule that refused the grant; empty when the grant is allowed
 * @param message what happened, in one short line
 * @param container the container as Docker resolved it, when a container rule made the policy look it up; exec
 *     against its id, so the container checked is the one that runs even if its name moves meanwhile
 */
public record PolicyDecision(Optional<Rule> refusedBy, String message, Optional<ContainerInfo> container) {

    /** The rule behind a refusal. */
    public enum Rule {
        /** No container answers to the grant's name or id (the caller may prefer 404 to 403). */
        CONTAINER_NOT_FOUND("containerNotFound"),
        CONTAINER("container"),
        COMMAND("command"),
        TTY("tty"),
        USER("user"),
        ENV("env");

        private final String key;

        Rule(String key) {
            this.key = key;
        }

        /** Returns the rule's name for logs, like {@code command}. */
        public String key() {
            return key;
        }
    }

    public PolicyDecision {
        Objects.requireNonNull(refusedBy, "refusedBy");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(container, "container");
    }

    static PolicyDecision allow(Optional<ContainerInfo> container) {
        return new PolicyDecision(Optional.empty(), "allowed", container);
    }

    static PolicyDecision refuse(Rule rule, String message) {
        return new PolicyDecision(Optional.of(rule), message, Optional.empty());
    }

    public boolean allowed() {
        return refusedBy.isEmpty();
    }
}
