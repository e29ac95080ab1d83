package io.execbroker.broker.auth;

import com.auth0.jwt.algorithms.Algorithm;

import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A key that verifies tokens, with the algorithms it allows. The allowlist comes from the key's type, never from
 * the token: an HMAC secret allows HS256/384/512, an RSA key RS256/384/512, an EC key the one ES algorithm of its
 * curve. That is what refuses {@code alg: none} and algorithm confusion (an HS256 token "signed" with the bytes of
 * an RSA public key). Immutable and thread safe.
 */
final class JwtKey {
    /** Shortest HMAC secret: the output size of SHA-256 (RFC 7518 §3.2), so it cannot be guessed. */
    static final int MIN_HMAC_SECRET_BYTES = 32;
    /** Smallest RSA modulus (NIST SP 800-131A): smaller keys can be factored. */
    static final int MIN_RSA_BITS = 2048;

    private final Map<String, Algorithm> algorithms;

    private JwtKey(Map<String, Algorithm> algorithms) {
        this.algorithms = Collections.unmodifiableMap(new LinkedHashMap<>(algorithms));
    }

    /** Returns a key for an HMAC shared secret; the secret is copied by java-jwt. */
    static JwtKey hmac(byte[] secret) {
        if (secret.length < MIN_HMAC_SECRET_BYTES) {
            throw new IllegalArgumentException("hmacSecret: " + secret.length + " bytes (expected: >= "
                + MIN_HMAC_SECRET_BYTES + ")");
        }
        Map<String, Algorithm> algorithms = new LinkedHashMap<>();
        algorithms.put("HS256", Algorithm.HMAC256(secret));
        algorithms.put("HS384", Algorithm.HMAC384(secret));
        algorithms.put("HS512", Algorithm.HMAC512(secret));
        return new JwtKey(algorithms);
    }

    /**
     * Returns a key for an RSA or EC public key.
     *
     * @throws IllegalArgumentException if the key is of another type, an RSA key is too short, or an EC key is on a
     *     curve that JWS does not name
     */
    static JwtKey of(PublicKey key) {
        Map<String, Algorithm> algorithms = new LinkedHashMap<>();
        if (key instanceof RSAPublicKey rsa) {
            int bits = rsa.getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new IllegalArgumentException("publicKey: RSA of " + bits + " bits (expected: >= " + MIN_RSA_BITS
                    + ")");
            }
            algorithms.put("RS256", Algorithm.RSA256(rsa));
            algorithms.put("RS384", Algorithm.RSA384(rsa));
            algorithms.put("RS512", Algorithm.RSA512(rsa));
        } else if (key instanceof ECPublicKey ec) {
            JwtCurve curve = JwtCurve.of(ec.getParams()).orElseThrow(() -> new IllegalArgumentException(
                "publicKey: EC on an unsupported curve (expected: P-256, P-384 or P-521)"));
            algorithms.put(curve.algorithm(), switch (curve) {
                case P_256 -> Algorithm.ECDSA256(ec);
                case P_384 -> Algorithm.ECDSA384(ec);
                case P_521 -> Algorithm.ECDSA512(ec);
            });
        } else {
            throw new IllegalArgumentException("publicKey: " + key.getAlgorithm() + " (expected: RSA or EC)");
        }
        return new JwtKey(algorithms);
    }

    /**
     * Returns this key allowing only {@code algorithm}, for a JWK that names its {@code alg}.
     *
     * @throws IllegalArgumentException if this key does not allow {@code algorithm} at all
     */
    JwtKey restrictTo(String algorithm) {
        Algorithm allowed = algorithms.get(algorithm);
        if (allowed == null) {
            throw new IllegalArgumentException("alg: " + algorithm + " (expected: one of " + algorithms.keySet() + ")");
        }
        return new JwtKey(Map.of(algorithm, allowed));
    }

    /** Returns the verifier for the JWS algorithm {@code name}, like {@code RS256}, or null if this key refuses it. */
    Algorithm algorithm(String name) {
        return name == null ? null : algorithms.get(name);
    }
}
