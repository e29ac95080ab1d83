package io.execbroker.sample.token;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * The RSA key that signs JWTs, its {@code kid} (the RFC 7638 thumbprint) and its public half as a JWKS. Immutable.
 */
public final class RsaSigningKey {
    private static final int GENERATED_BITS = 2048;

    private final RSAPrivateCrtKey privateKey;
    private final RSAPublicKey publicKey;
    private final String kid;

    private RsaSigningKey(RSAPrivateCrtKey privateKey) throws GeneralSecurityException {
        this.privateKey = privateKey;
        this.publicKey = (RSAPublicKey) KeyFactory.getInstance("RSA")
            .generatePublic(new RSAPublicKeySpec(privateKey.getModulus(), privateKey.getPublicExponent()));
        String thumbprintInput = "{\"e\":\"" + b64(publicKey.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
            + b64(publicKey.getModulus()) + "\"}";
        this.kid = Base64.getUrlEncoder().withoutPadding().encodeToString(
            MessageDigest.getInstance("SHA-256").digest(thumbprintInput.getBytes(StandardCharsets.UTF_8)));
    }

    /** Returns a new random key; its tokens stop verifying when the app restarts, which short TTLs make harmless. */
    public static RsaSigningKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(GENERATED_BITS);
            return new RsaSigningKey((RSAPrivateCrtKey) generator.generateKeyPair().getPrivate());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }

    /**
     * Reads a PKCS#8 PEM file ({@code -----BEGIN PRIVATE KEY-----}), as {@code openssl genpkey -algorithm RSA} writes.
     *
     * @throws IllegalArgumentException naming the file and what is wrong
     */
    public static RsaSigningKey load(Path pem) {
        try {
            String text = Files.readString(pem, StandardCharsets.US_ASCII);
            if (!text.contains("-----BEGIN PRIVATE KEY-----")) {
                throw new IllegalArgumentException("JWT private key " + pem + ": no \"BEGIN PRIVATE KEY\" block "
                    + "(expected: PKCS#8 PEM; convert with openssl pkcs8 -topk8 -nocrypt)");
            }
            String base64 = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            var key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
            if (!(key instanceof RSAPrivateCrtKey crt)) {
                throw new IllegalArgumentException("JWT private key " + pem + ": not an RSA CRT key");
            }
            return new RsaSigningKey(crt);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("JWT private key " + pem + ": " + e.getMessage(), e);
        }
    }

    public RSAPrivateCrtKey privateKey() {
        return privateKey;
    }

    public RSAPublicKey publicKey() {
        return publicKey;
    }

    /** Returns the key id, like {@code NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs}. */
    public String kid() {
        return kid;
    }

    /** Returns the JWKS document with the public key, for {@code /.well-known/jwks.json}. */
    public String jwksJson() {
        return "{\"keys\":[{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\",\"kid\":\"" + kid + "\",\"n\":\""
            + b64(publicKey.getModulus()) + "\",\"e\":\"" + b64(publicKey.getPublicExponent()) + "\"}]}";
    }

    /** Base64url of the unsigned big-endian bytes, as JWK wants. */
    private static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
