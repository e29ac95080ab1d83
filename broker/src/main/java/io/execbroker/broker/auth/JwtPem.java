package io.execbroker.broker.auth;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/** Reads a public key from PEM text with the JDK alone (no BouncyCastle). */
final class JwtPem {
    private static final String BEGIN = "-----BEGIN PUBLIC KEY-----";
    private static final String END = "-----END PUBLIC KEY-----";

    private JwtPem() {
    }

    /**
     * Returns the RSA or EC key in {@code pem}, a {@code -----BEGIN PUBLIC KEY-----} block (X.509
     * SubjectPublicKeyInfo, what {@code openssl pkey -pubout} writes).
     *
     * @throws IllegalArgumentException saying what the text is instead
     */
    static PublicKey parsePublicKey(String pem) {
        if (pem.contains("PRIVATE KEY-----")) {
            throw new IllegalArgumentException("publicKeyPem: a private key (expected: " + BEGIN + "; give the broker"
                + " the public key only)");
        }
        if (pem.contains("-----BEGIN RSA PUBLIC KEY-----")) {
            throw new IllegalArgumentException("publicKeyPem: a PKCS#1 -----BEGIN RSA PUBLIC KEY----- (expected: "
                + BEGIN + "; convert with openssl rsa -RSAPublicKey_in -pubout)");
        }
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("publicKeyPem: no " + BEGIN + " block (expected: an X.509"
                + " SubjectPublicKeyInfo in PEM)");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(pem.substring(begin + BEGIN.length(), end).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("publicKeyPem: not valid base64 (" + e.getMessage() + ")");
        }
        for (String algorithm : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // Not this type: try the next one.
            }
        }
        throw new IllegalArgumentException("publicKeyPem: not an RSA or EC public key (expected: RSA or EC)");
    }
}
