package io.execbroker.sample.http;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.sample.auth.UserAccount;
import io.execbroker.sample.fleet.BrokerRoute;
import io.execbroker.sample.fleet.Brokers;
import io.execbroker.sample.watch.WatchScopes;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Which broker a token is for: an exec token goes to the broker that serves the grant's container; a watch token to
 * the broker the request names ({@code {"purpose": "events", "broker": "host-b"}}), or else the first broker, in
 * configured order, that serves one of the user's containers. Pure.
 */
final class BrokerChoice {
    private final Brokers brokers;

    BrokerChoice(Brokers brokers) {
        this.brokers = brokers;
    }

    /** @throws HttpException 404 naming the container when no broker serves it */
    BrokerRoute forExec(ExecGrant grant) {
        return brokers.forContainer(grant.container()).orElseThrow(() -> new HttpException(404, "container "
            + grant.container() + ": no broker serves it (expected: a container listed under one of the brokers)"));
    }

    /**
     * @throws HttpException 400 for a {@code broker} that is not a string, 404 for one that is unknown, 403 when no
     *     broker serves any of the user's containers
     */
    BrokerRoute forWatch(UserAccount account, JsonObject body) {
        Object named = body == null ? null : body.getValue("broker");
        if (named != null) {
            if (!(named instanceof String id)) {
                throw new HttpException(400, "broker: " + named + " (expected: a broker id, a string)");
            }
            return brokers.byId(id).orElseThrow(() -> new HttpException(404, "broker " + shown(id) + ": unknown"
                + " (expected: one of " + ids() + ")"));
        }
        List<String> containers = WatchScopes.containers(account.grants());
        return brokers.routes().stream().filter(r -> containers.stream().anyMatch(r::serves)).findFirst()
            .orElseThrow(() -> new HttpException(403, "nothing to watch: no broker serves a container of "
                + account.name()));
    }

    /** Returns the ids of the brokers that serve at least one of the user's grants, in configured order. */
    List<String> brokersOf(UserAccount account) {
        return brokers.routes().stream()
            .filter(r -> account.grants().stream().anyMatch(g -> r.serves(g.container())))
            .map(BrokerRoute::id).toList();
    }

    private String ids() {
        return brokers.routes().stream().map(BrokerRoute::id).collect(Collectors.joining(", "));
    }

    private static String shown(String id) {
        return "\"" + (id.length() > 64 ? id.substring(0, 64) + "…" : id).replaceAll("\\p{Cntrl}", "?") + "\"";
    }
}
