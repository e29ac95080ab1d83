package io.execbroker.broker.auth;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Base64;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import static io.execbroker.broker.auth.JwtFixtures.Keys;
import static io.execbroker.broker.auth.JwtFixtures.SECRET;
import static io.execbroker.broker.auth.JwtFixtures.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JwtSettingsTest {
    private static JwtSettings settings(UnaryOperator<JwtSettings.Builder> change) {
        return change.apply(JwtSettings.builder(JwtKeySource.hmacSecret(SECRET))).build();
    }

    @Test
    void hasSafeDefaults() {
        JwtSettings settings = settings(s -> s);

        assertThat(settings.leeway()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.requireJti()).isTrue();
        assertThat(settings.replayCacheSize()).isEqualTo(100_000);
        assertThat(settings.jwksTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.jwksMinRefreshInterval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.jwksMaxAge()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.maxLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(settings.issuer()).isEmpty();
        assertThat(settings.audience()).isEmpty();
        assertThat(settings.toBuilder().build()).isEqualTo(settings);
    }

    @Test
    void validationMessagesNameTheSetting() {
        assertThatThrownBy(() -> settings(s -> s.leeway(Duration.ofSeconds(-1))))
            .hasMessage("leeway: PT-1S (expected: whole seconds from 0 to 300)");
        assertThatThrownBy(() -> settings(s -> s.leeway(Duration.ofMinutes(6))))
            .hasMessage("leeway: PT6M (expected: whole seconds from 0 to 300)");
        assertThatThrownBy(() -> settings(s -> s.leeway(Duration.ofMillis(1500))))
            .hasMessage("leeway: PT1.5S (expected: whole seconds from 0 to 300)");
        assertThatThrownBy(() -> settings(s -> s.replayCacheSize(0)))
            .hasMessage("replayCacheSize: 0 (expected: > 0)");
        assertThatThrownBy(() -> settings(s -> s.jwksTimeout(Duration.ZERO)))
            .hasMessage("jwksTimeout: PT0S (expected: > 0)");
        assertThatThrownBy(() -> settings(s -> s.jwksMinRefreshInterval(Duration.ofSeconds(-10))))
            .hasMessage("jwksMinRefreshInterval: PT-10S (expected: > 0)");
        assertThatThrownBy(() -> settings(s -> s.jwksMaxAge(Duration.ofSeconds(10))))
            .hasMessage("jwksMaxAge: 10 s (expected: > jwksMinRefreshInterval, 10 s)");
        assertThatThrownBy(() -> settings(s -> s.maxLifetime(Duration.ZERO)))
            .hasMessage("maxLifetime: PT0S (expected: > 0)");
        assertThatThrownBy(() -> settings(s -> s.issuer(" ")))
            .hasMessage("issuer: \" \" (expected: a non-blank string, or none)");
        assertThatThrownBy(() -> settings(s -> s.audience("")))
            .hasMessage("audience: \"\" (expected: a non-blank string, or none)");
        assertThatThrownBy(() -> JwtSettings.builder(null).build()).hasMessage("keys");
    }

    @Test
    void rejectsHmacSecretsShorterThan32Bytes() {
        assertThatThrownBy(() -> JwtKeySource.hmacSecret("sixteen bytes!!!".getBytes(StandardCharsets.US_ASCII)))
            .hasMessage("hmacSecret: 16 bytes (expected: >= 32)");
    }

    @Test
    void hmacSecretIsCopiedAndNeverShown() {
        byte[] secret = SECRET.clone();
        JwtKeySource source = JwtKeySource.hmacSecret(secret);
        secret[0] = 'X';

        assertThat(((JwtKeySource.HmacSecret) source).secret()).isEqualTo(SECRET);
        assertThat(source).hasToString("HmacSecret[(32 bytes)]");
        assertThat(source).isEqualTo(JwtKeySource.hmacSecret(SECRET));
    }

    @Test
    void readsRsaAndEcPublicKeysFromPem() {
        assertThat(((JwtKeySource.Public) JwtKeySource.publicKeyPem(pem(Keys.RSA.getPublic()))).key())
            .isEqualTo(Keys.RSA.getPublic());
        assertThat(((JwtKeySource.Public) JwtKeySource.publicKeyPem("# comment\n" + pem(Keys.P384.getPublic())))
            .key()).isEqualTo(Keys.P384.getPublic());
    }

    @Test
    void rejectsPemThatIsNotAPublicKeyInfo() {
        String der = Base64.getEncoder().encodeToString(Keys.RSA.getPrivate().getEncoded());

        assertThatThrownBy(() -> JwtKeySource.publicKeyPem("-----BEGIN PRIVATE KEY-----\n" + der
            + "\n-----END PRIVATE KEY-----\n")).hasMessageStartingWith("publicKeyPem: a private key");
        assertThatThrownBy(() -> JwtKeySource.publicKeyPem("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n"
            + "-----END RSA PUBLIC KEY-----\n")).hasMessageStartingWith("publicKeyPem: a PKCS#1");
        assertThatThrownBy(() -> JwtKeySource.publicKeyPem("ssh-rsa AAAA"))
            .hasMessage("publicKeyPem: no -----BEGIN PUBLIC KEY----- block (expected: an X.509"
                + " SubjectPublicKeyInfo in PEM)");
        assertThatThrownBy(() -> JwtKeySource.publicKeyPem("-----BEGIN PUBLIC KEY-----\n!!\n"
            + "-----END PUBLIC KEY-----")).hasMessageStartingWith("publicKeyPem: not valid base64");
        assertThatThrownBy(() -> JwtKeySource.publicKeyPem("-----BEGIN PUBLIC KEY-----\nAAAA\n"
            + "-----END PUBLIC KEY-----"))
            .hasMessage("publicKeyPem: not an RSA or EC public key (expected: RSA or EC)");
    }

    @Test
    void rejectsRsaKeysShorterThan2048BitsAndOtherKeyTypes() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        PublicKey shortKey = rsa.generateKeyPair().getPublic();
        PublicKey ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic();

        assertThatThrownBy(() -> JwtKeySource.publicKey(shortKey))
            .hasMessage("publicKey: RSA of 1024 bits (expected: >= 2048)");
        assertThatThrownBy(() -> JwtKeySource.publicKey(ed25519))
            .hasMessage("publicKey: EdDSA (expected: RSA or EC)");
    }

    @Test
    void rejectsJwksUrlsThatAreNotHttp() {
        assertThatThrownBy(() -> JwtKeySource.jwks(URI.create("file:///etc/jwks.json")))
            .hasMessage("jwksUrl: file:///etc/jwks.json (expected: an http or https URL)");
        assertThatThrownBy(() -> JwtKeySource.jwks(URI.create("/jwks.json")))
            .hasMessage("jwksUrl: /jwks.json (expected: an http or https URL)");
        assertThat(JwtKeySource.jwks(URI.create("https://issuer.example/.well-known/jwks.json"))).isNotNull();
    }
}
