package io.execbroker.sample.watch;

import io.execbroker.protocol.grant.EventScope;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON forms of a {@link WatchGrant} (PROTOCOL.md, "Docker events"): the grant the controller answers,
 * {@code {"subject":"alice","events":{"containers":["servertest"],"types":["container"]}}}, and its {@code events}
 * object alone, the JWT's {@code events} claim. The protocol's {@code GrantJson.parseWatch} reads them back.
 * Thread safe.
 */
public final class WatchGrantJson {
    private WatchGrantJson() {
    }

    /** Returns the grant's JSON text; {@code labels} is left out when empty. */
    public static String toJson(WatchGrant grant) {
        JsonObject root = new JsonObject();
        grant.subject().ifPresent(subject -> root.put("subject", subject));
        return root.put("events", new JsonObject(scope(grant.scope()))).encode();
    }

    /**
     * Returns the scope as plain maps and lists (what a JWT library takes as a claim), like
     * {@code {containers=[servertest], types=[container]}}.
     */
    public static Map<String, Object> scope(EventScope scope) {
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("containers", List.copyOf(scope.containers()));
        if (!scope.labels().isEmpty()) {
            events.put("labels", List.copyOf(scope.labels()));
        }
        events.put("types", List.copyOf(scope.types()));
        return events;
    }
}
