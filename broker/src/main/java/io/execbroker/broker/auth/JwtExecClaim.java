package io.execbroker.broker.auth;

import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.GrantJson;
import io.execbroker.protocol.grant.GrantPurposeException;
import io.execbroker.protocol.grant.InvalidGrantException;

import java.util.Map;

/**
 * Reads the grant of a verified token: the claim {@code exec}, holding the grant JSON of DESIGN.md §5 either as a
 * JSON object or as a string of JSON text. Both go through {@link GrantJson}, so a grant means the same whether it
 * came from a controller or a token.
 */
final class JwtExecClaim {
    static final String NAME = "exec";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JwtExecClaim() {
    }

    /**
     * Returns the grant in {@code jwt}'s {@code exec} claim.
     *
     * @throws AuthorizationException 401 "missing exec claim", or "invalid exec claim: " and the bad field; the
     *     message never echoes claim values, which may hold secrets (env)
     */
    static ExecGrant grant(DecodedJWT jwt, String defaultContainer) {
        Claim claim = jwt.getClaim(NAME);
        boolean events = present(jwt.getClaim(JwtEventsClaim.NAME));
        if (!present(claim)) {
            throw events ? new AuthorizationException(403, "a watch token does not allow exec")
                : new AuthorizationException(401, "missing exec claim");
        }
        if (events) {
            throw new AuthorizationException(401, "both exec and events claims (expected: one)");
        }
        try {
            return GrantJson.parse(json(claim, NAME), defaultContainer);
        } catch (GrantPurposeException e) {
            // The exec claim holds a watch grant ({"events": ...}): the scope belongs in the events claim.
            throw new AuthorizationException(401, "invalid exec claim: events (a watch grant, expected: an exec grant)");
        } catch (InvalidGrantException e) {
            throw new AuthorizationException(401, "invalid exec claim: "
                + (e.field().isEmpty() ? "not a grant" : e.field()));
        }
    }

    static boolean present(Claim claim) {
        return !claim.isMissing() && !claim.isNull();
    }

    /** Returns the JSON text of a claim that holds an object, or a string of JSON text. */
    static String json(Claim claim, String name) {
        String text = claim.asString();
        if (text != null) {
            return text;
        }
        Map<String, Object> object;
        try {
            object = claim.asMap();
        } catch (JWTDecodeException e) {
            object = null;
        }
        if (object == null) {
            throw new AuthorizationException(401, "invalid " + name + " claim: not an object");
        }
        try {
            return MAPPER.writeValueAsString(object);
        } catch (JsonProcessingException e) {
            throw new AuthorizationException(401, "invalid " + name + " claim: not an object");
        }
    }
}
