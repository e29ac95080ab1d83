package io.execbroker.sample.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Makes random tokens and the hashes they are stored under, so a copy of the database redeems nothing. */
public final class OneTimeTokens {
    /** 256 random bits: above the 128 the issue asks for, and cheap. */
    public static final int TOKEN_BYTES = 32;

    private OneTimeTokens() {
    }

    /** Returns a new random token, base64url without padding (43 chars). */
    public static String newToken(SecureRandom random) {
        byte[] bytes = new byte[TOKEN_BYTES];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Returns the hex SHA-256 of {@code token}, the key it is stored under. */
    public static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
