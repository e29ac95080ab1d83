package io.execbroker.sample.http;

import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.sample.auth.UserAccount;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.handler.HttpException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which of the user's grants a token request names: {@code {"grantIndex": 0}}, or
 * {@code {"container": "servertest", "command": ["/bin/sh"], "tty": true}} equal to one of them.
 */
final class GrantChoice {
    private GrantChoice() {
    }

    /**
     * Returns the user's grant that {@code body} names.
     *
     * @throws HttpException 400 for a malformed request, 403 when the grant is not the user's
     */
    static ExecGrant choose(UserAccount account, JsonObject body) {
        if (body == null) {
            throw new HttpException(400, "body: missing (expected: {\"grantIndex\"} or {\"container\", \"command\", \"tty\"})");
        }
        Object index = body.getValue("grantIndex");
        if (index != null) {
            if (!(index instanceof Integer i)) {
                throw new HttpException(400, "grantIndex: " + index + " (expected: a whole number)");
            }
            if (i < 0 || i >= account.grants().size()) {
                throw new HttpException(403, "grantIndex: " + i + " (expected: 0 to " + (account.grants().size() - 1)
                    + ", the grants of " + account.name() + ")");
            }
            return account.grants().get(i);
        }
        String container = body.getValue("container") instanceof String s ? s : null;
        List<String> command = strings(body.getValue("command"));
        boolean tty = Boolean.TRUE.equals(body.getValue("tty"));
        if (container == null || command == null) {
            throw new HttpException(400, "body: expected {\"grantIndex\"} or {\"container\": string, \"command\": [strings], \"tty\"}");
        }
        Optional<ExecGrant> match = account.grants().stream()
            .filter(g -> g.container().equals(container) && g.command().equals(command) && g.tty() == tty)
            .findFirst();
        return match.orElseThrow(() -> new HttpException(403, "container " + container + ", command " + command
            + ", tty " + tty + " is not one of the grants of " + account.name()));
    }

    private static List<String> strings(Object value) {
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            return null;
        }
        List<String> strings = new ArrayList<>(array.size());
        for (Object element : array) {
            if (!(element instanceof String s)) {
                return null;
            }
            strings.add(s);
        }
        return strings;
    }
}
