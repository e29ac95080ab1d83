package io.execbroker.broker.policy;

import io.execbroker.broker.policy.PolicyDecision.Rule;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks a grant against the broker's {@link PolicyRules}, whichever authorizer made it. Rules that need only the
 * grant run first; then, when any container rule is configured, the container is looked up so its real name and
 * labels are checked, never what the grant calls it (an id or an id prefix cannot dodge a name rule). With
 * {@link PolicyRules#ALLOW_ALL} nothing is looked up. Thread safe.
 */
public final class ExecPolicy {
    /** Longest grant value quoted in a message, so one hostile grant cannot flood the audit log. */
    private static final int MAX_SHOWN_CHARS = 200;

    private final PolicyRules rules;
    private final List<ContainerRule> containers;
    private final List<CommandPattern> commands;
    private final List<Glob> envKeys;
    private final ContainerLookup lookup;

    public ExecPolicy(PolicyRules rules, ContainerLookup lookup) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.lookup = Objects.requireNonNull(lookup, "lookup");
        // PolicyRules validated every entry already, so parsing cannot fail here.
        this.containers = rules.containers().stream().map(c -> ContainerRule.parse("containers", c)).toList();
        this.commands = rules.commands().stream().map(c -> CommandPattern.parse("commands", c)).toList();
        this.envKeys = rules.envKeys().stream().map(Glob::of).toList();
    }

    /**
     * Returns immediately; completes with the decision, including "container not found", or fails only when the
     * container lookup cannot tell (Docker unreachable, for instance).
     */
    public Future<PolicyDecision> check(ExecGrant grant) {
        Optional<PolicyDecision> refusal = checkGrant(grant);
        if (refusal.isPresent()) {
            return Future.succeededFuture(refusal.get());
        }
        if (containers.isEmpty()) {
            return Future.succeededFuture(PolicyDecision.allow(Optional.empty()));
        }
        return lookup.lookup(grant.container())
            .map(container -> checkContainer(grant, container))
            .recover(failure -> failure instanceof ContainerNotFoundException
                ? Future.succeededFuture(PolicyDecision.refuse(Rule.CONTAINER_NOT_FOUND,
                    "container not found: " + shown(grant.container())))
                : Future.failedFuture(failure));
    }

    /** Returns true if the policy allows only some containers ({@code policy.containers} is set). */
    public boolean restrictsContainers() {
        return !containers.isEmpty();
    }

    /**
     * Returns whether the container rules allow {@code container} (always, when there are none): the bound the
     * policy puts on watches of Docker events, checked for each event on the name and labels it carries.
     */
    public boolean allowsContainer(ContainerInfo container) {
        return containers.isEmpty() || containers.stream().anyMatch(rule -> rule.matches(container));
    }

    private Optional<PolicyDecision> checkGrant(ExecGrant grant) {
        if (!commands.isEmpty() && commands.stream().noneMatch(pattern -> pattern.matches(grant.command()))) {
            return refuse(Rule.COMMAND, "command " + shown(grant.command().toString())
                + " matches no allowed command pattern");
        }
        if (!rules.tty().allows(grant.tty())) {
            return refuse(Rule.TTY, "tty: " + grant.tty() + " (expected: " + !grant.tty() + ")");
        }
        if (grant.user().isEmpty() && !rules.allowDefaultUser()) {
            return refuse(Rule.USER, "user unset (the container's default user) is not allowed");
        }
        if (grant.user().isPresent() && !rules.users().isEmpty() && !rules.users().contains(grant.user().get())) {
            return refuse(Rule.USER, "user \"" + shown(grant.user().get()) + "\" is not an allowed user");
        }
        if (!envKeys.isEmpty()) {
            // Keys only: env values may be secrets and never reach a message.
            for (String key : grant.env().keySet()) {
                if (envKeys.stream().noneMatch(glob -> glob.matches(key))) {
                    return refuse(Rule.ENV, "env key \"" + shown(key) + "\" matches no allowed env key pattern");
                }
            }
        }
        return Optional.empty();
    }

    private PolicyDecision checkContainer(ExecGrant grant, ContainerInfo container) {
        if (containers.stream().anyMatch(rule -> rule.matches(container))) {
            return PolicyDecision.allow(Optional.of(container));
        }
        String named = container.name().equals(grant.container()) ? ""
            : " (the grant named it \"" + shown(grant.container()) + "\")";
        return PolicyDecision.refuse(Rule.CONTAINER, "container \"" + shown(container.name()) + "\"" + named
            + " matches no allowed container");
    }

    private static Optional<PolicyDecision> refuse(Rule rule, String message) {
        return Optional.of(PolicyDecision.refuse(rule, message));
    }

    /** Returns {@code value} cut to a bounded length, with control characters replaced so a log line stays one. */
    private static String shown(String value) {
        String cut = value.length() > MAX_SHOWN_CHARS ? value.substring(0, MAX_SHOWN_CHARS) + "..." : value;
        StringBuilder out = new StringBuilder(cut.length());
        cut.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
        return out.toString();
    }
}
