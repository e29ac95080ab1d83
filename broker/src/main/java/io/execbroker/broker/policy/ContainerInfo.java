package io.execbroker.broker.policy;

import java.util.Map;
import java.util.Objects;

/**
 * What Docker says about a container, as the policy needs it. Immutable; the labels are copied in.
 *
 * @param id the full container id, like {@code 3f2a...}; exec against it so the container checked is the one run
 * @param name the canonical name without Docker's leading slash, like {@code web-1}
 * @param labels the container's labels
 * @param running whether the container runs now (the policy does not judge it; an exec in a stopped one fails)
 */
public record ContainerInfo(String id, String name, Map<String, String> labels, boolean running) {
    public ContainerInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
