package io.execbroker.broker.policy;

import io.vertx.core.Future;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Resolves like Docker does (full id, then name, then unique id prefix) over a fixed list, completing at once.
 * A pure-logic seam: the real lookup is checked by {@code DockerContainerLookupIT}.
 */
final class FakeContainerLookup implements ContainerLookup {
    private final List<ContainerInfo> containers;
    private final AtomicInteger calls = new AtomicInteger();

    FakeContainerLookup(ContainerInfo... containers) {
        this.containers = List.of(containers);
    }

    @Override
    public Future<ContainerInfo> lookup(String nameOrId) {
        calls.incrementAndGet();
        for (ContainerInfo c : containers) {
            if (c.id().equals(nameOrId) || c.name().equals(nameOrId)) {
                return Future.succeededFuture(c);
            }
        }
        List<ContainerInfo> prefixed = containers.stream().filter(c -> c.id().startsWith(nameOrId)).toList();
        return prefixed.size() == 1 ? Future.succeededFuture(prefixed.get(0))
            : Future.failedFuture(new ContainerNotFoundException(nameOrId));
    }

    /** Returns how many lookups were asked for. */
    int calls() {
        return calls.get();
    }
}
