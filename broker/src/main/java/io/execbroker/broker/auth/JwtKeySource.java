package io.execbroker.broker.auth;

import java.net.URI;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Objects;

/**
 * Where the broker finds the key that verifies tokens: an HMAC secret, an RSA or EC public key, or a JWKS URL.
 * The key's type decides which algorithms a token may use (see {@link JwtAuthorizer}). Immutable.
 */
public sealed interface JwtKeySource {
    /**
     * Returns a source for an HMAC secret shared with the token issuer; allows HS256, HS384 and HS512.
     *
     * @param secret the raw secret bytes, at least 32; copied
     * @throws IllegalArgumentException if the secret is shorter than 32 bytes
     */
    static JwtKeySource hmacSecret(byte[] secret) {
        return new HmacSecret(secret);
    }

    /**
     * Returns a source for an RSA key (allows RS256, RS384, RS512; at least 2048 bits) or an EC key (allows the one
     * algorithm of its curve: ES256 on P-256, ES384 on P-384, ES512 on P-521).
     *
     * @throws IllegalArgumentException if the key is of another type, too short, or on another curve
     */
    static JwtKeySource publicKey(PublicKey key) {
        return new Public(key);
    }

    /**
     * Returns a source for the RSA or EC public key in {@code pem}, a {@code -----BEGIN PUBLIC KEY-----} block.
     *
     * @throws IllegalArgumentException naming what is wrong with the text or the key
     */
    static JwtKeySource publicKeyPem(String pem) {
        return new Public(JwtPem.parsePublicKey(Objects.requireNonNull(pem, "pem")));
    }

    /**
     * Returns a source for the JSON Web Key Set at {@code url}, like
     * {@code https://issuer.example/.well-known/jwks.json}: fetched when a token names an unknown {@code kid}, RSA
     * and EC signature keys only.
     *
     * @throws IllegalArgumentException if the URL is not absolute http or https
     */
    static JwtKeySource jwks(URI url) {
        return new Jwks(url);
    }

    /** An HMAC secret; never shows its bytes. */
    final class HmacSecret implements JwtKeySource {
        private final byte[] secret;

        private HmacSecret(byte[] secret) {
            Objects.requireNonNull(secret, "secret");
            JwtKey.hmac(secret);
            this.secret = secret.clone();
        }

        /** Returns a copy of the secret. */
        public byte[] secret() {
            return secret.clone();
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof HmacSecret that && Arrays.equals(secret, that.secret);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(secret);
        }

        @Override
        public String toString() {
            return "HmacSecret[(" + secret.length + " bytes)]";
        }
    }

    /** An RSA or EC public key. */
    record Public(PublicKey key) implements JwtKeySource {
        public Public {
            Objects.requireNonNull(key, "key");
            JwtKey.of(key);
        }
    }

    /** A JSON Web Key Set URL. */
    record Jwks(URI url) implements JwtKeySource {
        public Jwks {
            Objects.requireNonNull(url, "url");
            if (!url.isAbsolute() || !("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
                    || url.getHost() == null) {
                throw new IllegalArgumentException("jwksUrl: " + url + " (expected: an http or https URL)");
            }
        }
    }
}
