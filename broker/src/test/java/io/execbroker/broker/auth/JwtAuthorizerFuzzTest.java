package io.execbroker.broker.auth;

import static io.execbroker.broker.auth.JwtFixtures.NOW;
import static io.execbroker.broker.auth.JwtFixtures.SECRET;
import static io.execbroker.broker.auth.JwtFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.execbroker.protocol.grant.ExecGrant;
import io.execbroker.protocol.grant.WatchGrant;
import io.vertx.core.Future;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Hostile JWTs into a {@link JwtAuthorizer} with an HMAC secret: headers whose {@code alg} and {@code kid} are of any
 * type (path-like, huge, unicode, control characters), claims of the wrong type (numbers for strings, arrays,
 * nulls, nested objects), exec and events claims of any shape, signatures right, wrong, missing or not base64, and
 * tokens cut, spliced or past the size limit. Every token is refused with an {@link AuthorizationException}, 401
 * (403 only for a token of the other purpose), with a short reason that quotes nothing of the token; none fails
 * any other way; and a grant comes only from a token signed with the secret.
 */
class JwtAuthorizerFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> HMAC = Set.of("HS256", "HS384", "HS512");
    private static final Set<String> OTHER_PURPOSE = Set.of("a watch token does not allow exec",
        "an exec token does not allow watching events");
    private static final long NOW_SECONDS = NOW.getEpochSecond();
    private static final String GRANT_TEXT = "{\"container\":\"web-1\",\"command\":[\"ls\"]}";

    private final JwtAuthorizer authorizer = new JwtAuthorizer(null,
        JwtSettings.builder(JwtKeySource.hmacSecret(SECRET)).build(), new JwtFixtures.MutableClock(NOW));

    /** How the third part is made. */
    enum Signature { RIGHT, WRONG_KEY, JUNK, EMPTY, NOT_BASE64, MISSING, EXTRA_PART }

    /** A token and what the test knows of it. */
    record Token(String text, Object alg, Signature signature) {
        boolean signedWithTheSecret() {
            return signature == Signature.RIGHT && alg instanceof String name && HMAC.contains(name);
        }

        @Override
        public String toString() {
            return signature + " alg=" + alg + " " + (text.length() > 300 ? text.substring(0, 300) + "..." : text);
        }
    }

    @Property(tries = 500)
    void everyTokenIsAGrantOnlyIfSignedOrElseA401(@ForAll("tokens") Token token, @ForAll boolean watch) {
        Future<?> result = watch ? authorizer.authorizeWatch(request(token.text()))
            : authorizer.authorize(request(token.text()));
        Object grant = outcome(result, token);
        if (grant != null) {
            assertThat(token.signedWithTheSecret()).as("a grant from %s", token).isTrue();
            if (grant instanceof ExecGrant exec) {
                assertThat(exec.container()).isNotEmpty();
                assertThat(exec.command()).isNotEmpty();
            } else {
                assertThat(((WatchGrant) grant).scope().types()).isNotEmpty();
            }
        }
    }

    @Property(tries = 500)
    void signedClaimsOfAnyShapeAreAGrantOrA401(@ForAll("claims") Map<String, Object> claims, @ForAll boolean watch) {
        Map<String, Object> payload = new LinkedHashMap<>(claims);
        payload.put("exp", NOW_SECONDS + 60);
        Token token = new Token(sign(Map.of("alg", "HS256"), payload, "HS256", Signature.RIGHT), "HS256",
            Signature.RIGHT);
        Object grant = outcome(watch ? authorizer.authorizeWatch(request(token.text()))
            : authorizer.authorize(request(token.text())), token);
        if (grant != null) {
            assertThat(payload).containsKey(watch ? "events" : "exec");
        }
    }

    @Provide
    Arbitrary<Map<String, Object>> claims() {
        return Combinators.combine(member("exec", execClaims()), member("events", eventsClaims()),
                member("sub", Arbitraries.oneOf(Arbitraries.just("alice"), hostileValues())))
            .as((exec, events, sub) -> merge(List.of(exec, events, sub)));
    }

    @Property(tries = 200)
    void aTokenCutOrSplicedAnywhereIsRefused(@ForAll("signedTokens") String token,
                                             @ForAll("positions") double where, @ForAll("junk") String junk,
                                             @ForAll boolean cut) {
        int at = (int) (where * token.length());
        String mutated = cut ? token.substring(0, at) + token.substring(Math.min(token.length(), at + junk.length() + 1))
            : token.substring(0, at) + junk + token.substring(at);
        if (mutated.equals(token)) {
            return;
        }
        Object grant = outcome(authorizer.authorize(request(mutated)), new Token(mutated, "HS256", Signature.JUNK));
        // A splice that only touches base64 padding-free bits may still verify: then the claims are the same.
        if (grant != null) {
            assertThat(grant).isEqualTo(outcome(authorizer.authorize(request(token)), new Token(token, "HS256",
                Signature.RIGHT)));
        }
    }

    /** Returns the grant, or null after checking the refusal is a well-formed 401 (or 403 for the other purpose). */
    private static Object outcome(Future<?> result, Token token) {
        try {
            return result.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            assertThat(e.getCause()).as("refusal of %s", token).isInstanceOf(AuthorizationException.class);
            AuthorizationException refusal = (AuthorizationException) e.getCause();
            if (refusal.status() == 403) {
                assertThat(refusal.getMessage()).isIn(OTHER_PURPOSE);
            } else {
                assertThat(refusal.status()).as("status of %s: %s", token, refusal.getMessage()).isEqualTo(401);
            }
            assertThat(refusal.getMessage()).hasSizeLessThan(120).doesNotContainPattern("\\p{Cntrl}");
            String[] parts = token.text().split("\\.");
            for (String part : parts) {
                if (part.length() >= 8) {
                    assertThat(refusal.getMessage()).as("quotes the token").doesNotContain(part);
                }
            }
            return null;
        } catch (Exception e) {
            throw new AssertionError(token + ": " + e, e);
        }
    }

    @Provide
    Arbitrary<Token> tokens() {
        Arbitrary<Token> built = Combinators.combine(algs(), header(), payload(), Arbitraries.of(Signature.class))
            .as((alg, header, payload, signature) -> {
                Map<String, Object> head = new LinkedHashMap<>(header);
                if (alg != Absent.VALUE) {
                    head.put("alg", alg);
                }
                return new Token(sign(head, payload, alg, signature), alg, signature);
            });
        Arbitrary<Token> huge = Arbitraries.integers().between(JwtAuthorizer.MAX_TOKEN_CHARS - 10,
            JwtAuthorizer.MAX_TOKEN_CHARS + 100).map(n -> new Token(validToken().substring(0, 10) + "A".repeat(n),
                "HS256", Signature.JUNK));
        Arbitrary<Token> raw = Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(40),
                Arbitraries.of("", ".", "..", "...", "a.b.c", "e30.e30.", "e30.e30", "eyJhbGciOiJub25lIn0.e30."))
            .map(text -> new Token(text, null, Signature.JUNK));
        return Arbitraries.frequencyOf(Tuple.of(8, built), Tuple.of(1, huge), Tuple.of(1, raw));
    }

    @Provide
    Arbitrary<String> signedTokens() {
        return Arbitraries.just(validToken());
    }

    @Provide
    Arbitrary<Double> positions() {
        return Arbitraries.doubles().between(0, 1);
    }

    @Provide
    Arbitrary<String> junk() {
        return Arbitraries.oneOf(Arbitraries.strings().ofMinLength(1).ofMaxLength(4),
            Arbitraries.of(".", "=", "%", "\0", "é", "A"));
    }

    /** A token the authorizer accepts, to mutate. */
    private static String validToken() {
        return sign(Map.of("alg", "HS256", "typ", "JWT"), Map.of("exp", NOW_SECONDS + 60, "exec", GRANT_TEXT),
            "HS256", Signature.RIGHT);
    }

    /** Leaves a member out. */
    enum Absent { VALUE }

    private static Arbitrary<Object> algs() {
        return Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.of("HS256", "HS384", "HS512")),
            Tuple.of(3, Arbitraries.of("none", "None", "RS256", "ES256", "hs256", "HS256 ", "", "HS1024", "PS256")),
            Tuple.of(2, hostileValues()));
    }

    private static Arbitrary<Map<String, Object>> header() {
        return Combinators.combine(member("kid", Arbitraries.oneOf(kids(), hostileValues())),
                member("typ", Arbitraries.oneOf(Arbitraries.just("JWT"), hostileValues())),
                member("crit", hostileValues()))
            .as((kid, typ, crit) -> merge(List.of(kid, typ, crit)));
    }

    private static Arbitrary<Map<String, Object>> payload() {
        Arbitrary<Object> time = Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.longs().between(NOW_SECONDS - 120, NOW_SECONDS + 7200).map(t -> (Object) t)),
            Tuple.of(1, Arbitraries.of(Long.MAX_VALUE, Long.MIN_VALUE, 0L, -1L, 1e300, 1.5, NOW_SECONDS + 0.5)),
            Tuple.of(1, hostileValues()));
        return Combinators.combine(List.of(
                member("exp", time), member("nbf", time), member("iat", time),
                member("exec", execClaims()), member("events", eventsClaims()),
                member("sub", Arbitraries.oneOf(Arbitraries.just("alice"), hostileValues())),
                member("jti", hostileValues()), member("aud", hostileValues()), member("iss", hostileValues())))
            .as(JwtAuthorizerFuzzTest::merge);
    }

    private static Arbitrary<Object> execClaims() {
        Map<String, Object> grant = Map.of("container", "web-1", "command", List.of("/bin/sh", "-l"), "tty", true);
        return Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of(grant, GRANT_TEXT)),
            Tuple.of(2, Arbitraries.of(
                Map.of("command", List.of("ls")), // no container, and no default
                Map.of("events", Map.of("containers", List.of("*"))), // a watch grant inside the exec claim
                Map.of("container", "web-1", "command", "ls"),
                Map.of("container", 5, "command", List.of(1, 2)),
                "{\"container\":", "{\"events\":{\"containers\":[\"*\"]}}", "[]", "null", "{}")),
            Tuple.of(2, hostileValues()));
    }

    private static Arbitrary<Object> eventsClaims() {
        return Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just(Absent.VALUE)),
            Tuple.of(2, Arbitraries.of(Map.of("containers", List.of("web-*")), "{\"containers\":[\"*\"]}",
                Map.of("types", List.of("image")), Map.of("containers", List.of("/web")), "not json")),
            Tuple.of(1, hostileValues()));
    }

    private static Arbitrary<Object> kids() {
        return Arbitraries.of("k1", "../../etc/passwd", "/etc/passwd", "..\\..\\windows", "file:///etc/passwd",
            "http://127.0.0.1:1/", "ключ🔑", "\u0000", "a\r\nX-Injected: 1", "\u202e\u0007", "%00", "k".repeat(20_000),
            "");
    }

    /** Any JSON value of the wrong shape: numbers, arrays, nulls, nested objects, odd strings, or none at all. */
    private static Arbitrary<Object> hostileValues() {
        return Arbitraries.oneOf(
            Arbitraries.just(Absent.VALUE),
            Arbitraries.of((Object) null),
            Arbitraries.of(true, false, 0, -1, 42, 3.25, Long.MAX_VALUE, 1e308),
            Arbitraries.of("", " ", "\u0000", "é", "{", "[1,2]", "x".repeat(5000)),
            Arbitraries.of(List.of(), List.of(1, "a", List.of()), List.of(Map.of())),
            Arbitraries.of(Map.of(), Map.of("a", Map.of("b", Map.of("c", List.of(Map.of("d", 1))))),
                nested(40)));
    }

    private static Object nested(int depth) {
        Object value = "deep";
        for (int i = 0; i < depth; i++) {
            value = Map.of("x", value);
        }
        return value;
    }

    private static Arbitrary<Map<String, Object>> member(String name, Arbitrary<?> values) {
        return values.map(value -> {
            Map<String, Object> member = new LinkedHashMap<>();
            if (value != Absent.VALUE) {
                member.put(name, value);
            }
            return member;
        });
    }

    private static Map<String, Object> merge(List<Map<String, Object>> members) {
        Map<String, Object> merged = new LinkedHashMap<>();
        members.forEach(merged::putAll);
        return merged;
    }

    private static String sign(Map<String, Object> header, Map<String, Object> payload, Object alg,
                               Signature signature) {
        String head = base64(json(header));
        String body = base64(json(payload));
        String name = alg instanceof String s && HMAC.contains(s) ? s : "HS256";
        byte[] secret = signature == Signature.WRONG_KEY
            ? "another-secret-of-32-bytes-or-more!".getBytes(StandardCharsets.US_ASCII) : SECRET;
        Algorithm algorithm = switch (name) {
            case "HS384" -> Algorithm.HMAC384(secret);
            case "HS512" -> Algorithm.HMAC512(secret);
            default -> Algorithm.HMAC256(secret);
        };
        String mac = Base64.getUrlEncoder().withoutPadding().encodeToString(
            algorithm.sign(head.getBytes(StandardCharsets.US_ASCII), body.getBytes(StandardCharsets.US_ASCII)));
        return switch (signature) {
            case RIGHT, WRONG_KEY -> head + "." + body + "." + mac;
            case JUNK -> head + "." + body + "." + new StringBuilder(mac).reverse();
            case EMPTY -> head + "." + body + ".";
            case NOT_BASE64 -> head + "." + body + ".!!$%";
            case MISSING -> head + "." + body;
            case EXTRA_PART -> head + "." + body + "." + mac + "." + mac;
        };
    }

    private static byte[] json(Map<String, Object> value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
