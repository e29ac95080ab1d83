package io.execbroker.broker.auth;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a JSON Web Key Set (RFC 7517) into keys by {@code kid}. Keeps RSA and EC signature keys that have a
 * {@code kid}; skips the others with a warning, symmetric ({@code oct}) keys included: a key set is public, so an
 * HMAC secret in it would let anyone sign.
 */
final class JwtJwkSet {
    private static final Logger LOG = LoggerFactory.getLogger(JwtJwkSet.class);

    private JwtJwkSet() {
    }

    /**
     * Returns the usable keys of the key set in {@code body}, by {@code kid}.
     *
     * @throws RuntimeException if {@code body} is not a JSON object with a {@code keys} array
     */
    static Map<String, JwtKey> parse(Buffer body) {
        JsonArray keys = new JsonObject(body).getJsonArray("keys");
        if (keys == null) {
            throw new IllegalArgumentException("no \"keys\" array (expected: a JSON Web Key Set)");
        }
        Map<String, JwtKey> byKid = new LinkedHashMap<>();
        for (int i = 0; i < keys.size(); i++) {
            if (!(keys.getValue(i) instanceof JsonObject jwk)) {
                LOG.warn("JWKS keys[{}] skipped: not an object", i);
                continue;
            }
            try {
                String kid = jwk.getString("kid");
                if (kid == null) {
                    throw new IllegalArgumentException("no kid");
                }
                if (byKid.containsKey(kid)) {
                    throw new IllegalArgumentException("kid " + kid + " seen before (expected: unique kids)");
                }
                byKid.put(kid, key(jwk));
            } catch (RuntimeException e) {
                LOG.warn("JWKS keys[{}] skipped: {}", i, e.getMessage());
            }
        }
        return byKid;
    }

    private static JwtKey key(JsonObject jwk) {
        String use = jwk.getString("use");
        if (use != null && !use.equals("sig")) {
            throw new IllegalArgumentException("use: " + use + " (expected: sig)");
        }
        String kty = jwk.getString("kty");
        PublicKey publicKey;
        try {
            if ("RSA".equals(kty)) {
                publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                    number(jwk, "n"), number(jwk, "e")));
            } else if ("EC".equals(kty)) {
                String crv = jwk.getString("crv");
                JwtCurve curve = JwtCurve.named(crv).orElseThrow(() -> new IllegalArgumentException(
                    "crv: " + crv + " (expected: P-256, P-384 or P-521)"));
                publicKey = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(
                    new ECPoint(number(jwk, "x"), number(jwk, "y")), curve.spec()));
            } else {
                throw new IllegalArgumentException("kty: " + kty + " (expected: RSA or EC)");
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a valid " + kty + " key (" + e.getMessage() + ")");
        }
        JwtKey key = JwtKey.of(publicKey);
        String alg = jwk.getString("alg");
        return alg == null ? key : key.restrictTo(alg);
    }

    private static BigInteger number(JsonObject jwk, String member) {
        String value = jwk.getString(member);
        if (value == null) {
            throw new IllegalArgumentException("no " + member);
        }
        return new BigInteger(1, Base64.getUrlDecoder().decode(value));
    }
}
