package io.execbroker.sample.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A PBKDF2-HMAC-SHA256 password hash in the form {@code pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>}, like
 * {@code pbkdf2-sha256$210000$3q2+7w…$Yf1…}. Checking a password costs {@code iterations} HMACs on purpose: run it on
 * a worker thread, never on an event loop. Immutable and thread safe.
 *
 * @param iterations PBKDF2 rounds; {@link #DEFAULT_ITERATIONS} is OWASP's 2023 advice for SHA-256
 * @param salt random per password
 * @param hash the derived key
 */
public record PasswordHash(int iterations, byte[] salt, byte[] hash) {
    public static final String PREFIX = "pbkdf2-sha256";
    public static final int DEFAULT_ITERATIONS = 210_000;
    /** Fewest rounds accepted when reading a hash; lower is only good for tests. */
    public static final int MIN_ITERATIONS = 1_000;
    /** Most rounds accepted (DoS protection: a typo must not make each login take minutes). */
    public static final int MAX_ITERATIONS = 10_000_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    public PasswordHash {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations: " + iterations + " (expected: " + MIN_ITERATIONS
                + " to " + MAX_ITERATIONS + ")");
        }
        salt = Objects.requireNonNull(salt, "salt").clone();
        hash = Objects.requireNonNull(hash, "hash").clone();
        if (salt.length < 8 || hash.length < 16) {
            throw new IllegalArgumentException("salt of " + salt.length + " and hash of " + hash.length
                + " bytes (expected: >= 8 and >= 16)");
        }
    }

    /** Returns the hash of {@code password} with a fresh random salt. */
    public static PasswordHash create(char[] password, int iterations, SecureRandom random) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return new PasswordHash(iterations, salt, derive(password, salt, iterations, HASH_BYTES));
    }

    /**
     * Parses the text form.
     *
     * @throws IllegalArgumentException naming what is wrong, never echoing the hash itself
     */
    public static PasswordHash parse(String text) {
        String[] parts = Objects.requireNonNull(text, "text").split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("password hash: " + parts.length + " fields starting \""
                + (parts[0].length() > 20 ? parts[0].substring(0, 20) : parts[0])
                + "\" (expected: " + PREFIX + "$<iterations>$<salt base64>$<hash base64>)");
        }
        try {
            return new PasswordHash(Integer.parseInt(parts[1]), Base64.getDecoder().decode(parts[2]),
                Base64.getDecoder().decode(parts[3]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("password hash iterations: \"" + parts[1] + "\" (expected: a number)", e);
        }
    }

    /** Returns whether {@code password} matches, comparing in constant time. */
    public boolean matches(char[] password) {
        return MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length));
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    /** Returns the text form, for the users file. */
    @Override
    public String toString() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int bytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bytes * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
