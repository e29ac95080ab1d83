package io.execbroker.broker.policy;

import io.vertx.core.Future;

/** Finds out what a container really is, whatever a grant calls it. */
@FunctionalInterface
public interface ContainerLookup {
    /**
     * Returns immediately; completes with the container that {@code nameOrId} names (a name, an id or a unique id
     * prefix, as Docker resolves it), or fails with {@link ContainerNotFoundException} when there is none, or with
     * any other exception when Docker cannot say.
     */
    Future<ContainerInfo> lookup(String nameOrId);
}
