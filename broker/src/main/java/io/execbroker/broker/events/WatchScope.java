package io.execbroker.broker.events;

import io.execbroker.broker.policy.ContainerInfo;
import io.execbroker.broker.policy.ExecPolicy;
import io.execbroker.broker.policy.Glob;
import io.execbroker.protocol.grant.EventScope;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one watch may see, whatever its filter asks: the grant's {@link EventScope} and the broker's own container
 * policy, both matched on what the event itself says. A container event passes when its type is in the scope, its
 * real name ({@code Actor.Attributes.name}, the new name after a rename) matches one of the scope's containers, it
 * carries every label of the scope, and the policy allows that name and those labels; an event without a name
 * never passes. An event of another type passes only when the scope names the type, and, if it names a container
 * (a network's connect, a volume's mount), only when neither the scope nor the policy restricts containers. Labels are the event's
 * attributes without Docker's own keys ({@link EventScope#DOCKER_ATTRIBUTES}), so no rule can be met by Docker's
 * {@code name} or {@code image}. Immutable, thread safe.
 */
public final class WatchScope {
    private final EventScope scope;
    private final List<Glob> names;
    private final ExecPolicy policy;

    public WatchScope(EventScope scope, ExecPolicy policy) {
        this.scope = Objects.requireNonNull(scope, "scope");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.names = scope.containers().stream().map(Glob::of).toList();
    }

    public EventScope scope() {
        return scope;
    }

    public boolean allows(DockerEvent event) {
        if (!scope.types().contains(event.type())) {
            return false;
        }
        if (!event.type().equals(EventScope.CONTAINER)) {
            // A network or volume event may name a container by id only (its "container" attribute), which says
            // nothing of its name or labels: it passes only when no rule restricts containers.
            return !event.attributes().containsKey("container") || !restrictsContainers();
        }
        String name = event.attributes().get("name");
        if (name == null || name.isEmpty()) {
            return false;
        }
        Map<String, String> labels = event.labels();
        return (names.isEmpty() || names.stream().anyMatch(glob -> glob.matches(name)))
            && scope.labels().stream().allMatch(selector -> EventFilter.label(selector, labels))
            && policy.allowsContainer(new ContainerInfo(event.actorId(), name, labels, false));
    }

    private boolean restrictsContainers() {
        return policy.restrictsContainers() || !scope.labels().isEmpty()
            || names.size() != 1 || !scope.containers().get(0).equals("*");
    }
}
