package io.execbroker.sample.fleet;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The brokers the app hands tokens for, and which one serves a container: either one broker for every container
 * ({@code --broker-url}, the one-broker case) or a fleet, one broker per Docker host ({@code --brokers}), where each
 * container is served by at most one broker. Validated when built; immutable.
 */
public final class Brokers {
    /** The id of the one broker of {@code --broker-url} when {@code --broker-id} does not name it. */
    public static final String DEFAULT_ID = "default";

    private final List<BrokerRoute> routes;
    private final boolean fleet;
    private final boolean idKnown;

    private Brokers(List<BrokerRoute> routes, boolean fleet, boolean idKnown) {
        this.routes = List.copyOf(routes);
        this.fleet = fleet;
        this.idKnown = idKnown;
    }

    /**
     * Returns the one-broker case: {@code url} serves every container. With {@code id} its tokens are bound to that
     * broker id; without, the id is {@value #DEFAULT_ID} and nothing checks it (as before fleets existed).
     */
    public static Brokers single(URI url, Optional<String> id) {
        Objects.requireNonNull(url, "url");
        return new Brokers(List.of(new BrokerRoute(id.orElse(DEFAULT_ID), url, Set.of(), true)), false,
            id.isPresent());
    }

    /**
     * Returns a fleet: each route serves the containers it lists, in this order of preference for watches.
     *
     * @throws IllegalArgumentException for no brokers, an id given twice, or a container listed under two brokers
     */
    public static Brokers fleet(List<BrokerRoute> routes) {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("brokers: empty (expected: at least one broker id with its url and"
                + " containers)");
        }
        Map<String, String> ownerOf = new HashMap<>();
        Map<String, BrokerRoute> byId = new HashMap<>();
        for (BrokerRoute route : routes) {
            if (route.servesAll()) {
                throw new IllegalArgumentException("broker " + route.id() + ": serves every container (expected: its"
                    + " list of containers, in a fleet)");
            }
            if (byId.putIfAbsent(route.id(), route) != null) {
                throw new IllegalArgumentException("broker " + route.id() + ": listed twice (expected: each id once)");
            }
            for (String container : route.containers()) {
                String other = ownerOf.putIfAbsent(container, route.id());
                if (other != null) {
                    throw new IllegalArgumentException("container " + container + ": listed under brokers " + other
                        + " and " + route.id() + " (expected: under one, the broker of its Docker host)");
                }
            }
        }
        return new Brokers(routes, true, true);
    }

    /** Returns the broker that serves {@code container}, or empty when none does. */
    public Optional<BrokerRoute> forContainer(String container) {
        return routes.stream().filter(r -> r.serves(container)).findFirst();
    }

    /** Returns the broker with this id. */
    public Optional<BrokerRoute> byId(String id) {
        return routes.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** Returns the brokers, in configured order. */
    public List<BrokerRoute> routes() {
        return routes;
    }

    /** Whether this is a fleet ({@code --brokers}) rather than the one broker of {@code --broker-url}. */
    public boolean isFleet() {
        return fleet;
    }

    /** Whether tokens are bound to a known broker id: a fleet, or one broker named by {@code --broker-id}. */
    public boolean idKnown() {
        return idKnown;
    }
}
