package io.execbroker.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.execbroker.broker.auth.AuthorizationException;
import io.execbroker.broker.auth.Authorizer;
import io.execbroker.broker.auth.ControllerAuthorizer;
import io.execbroker.broker.auth.HandshakeRequest;
import io.execbroker.broker.auth.JwtAuthorizer;
import io.execbroker.broker.auth.JwtKeySource;
import io.execbroker.broker.auth.JwtSettings;
import io.execbroker.protocol.grant.ExecGrant;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Mutated grants, as a controller answers them (over HTTP, to a {@link ControllerAuthorizer}) and as a JWT's
 * {@code exec} claim carries them (to a {@link JwtAuthorizer}), then through an {@link ExecPolicy} with container,
 * command, user and env rules: what the policy allows is inside it by an independent reading of the rules (the
 * container the lookup resolves to is named {@code web-*}, the argv is an allowed one, the user is {@code 1000},
 * every env key is {@code LANG} or {@code APP_*}); a refusal of an invalid grant is the authorizer's own
 * {@link AuthorizationException} (502 for a controller, 401 for a token, 403 for a grant of the other purpose),
 * naming the field that was mutated; nothing throws anything else.
 */
class GrantPolicyFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final ContainerInfo WEB = new ContainerInfo("3f2a9c01d4e5" + "0".repeat(52), "web-1",
        Map.of("env", "staging"), true);
    private static final ContainerInfo DB = new ContainerInfo("9b7e11aa2c3d" + "1".repeat(52), "db-1",
        Map.of("env", "production"), true);
    private static final List<List<String>> COMMANDS = List.of(List.of("ls"), List.of("/bin/sh", "-l"));
    private static final ExecPolicy POLICY = new ExecPolicy(PolicyRules.ALLOW_ALL.withContainers(List.of("web-*"))
        .withCommands(COMMANDS).withUsers(List.of("1000"), false).withEnvKeys(List.of("LANG", "APP_*")),
        new FakeContainerLookup(WEB, DB));
    /** A grant inside the policy, the start of every mutation. */
    private static final Map<String, Object> INSIDE = Map.of("container", "web-1", "command", List.of("ls"),
        "user", "1000", "env", Map.of("LANG", "C.UTF-8"), "tty", false, "subject", "alice");

    private static Vertx vertx;
    private static volatile String answer;
    private static ControllerAuthorizer controller;
    private static final JwtAuthorizer JWT_AUTHORIZER = new JwtAuthorizer(null,
        JwtSettings.builder(JwtKeySource.hmacSecret(SECRET)).build(), Clock.fixed(NOW, ZoneOffset.UTC));

    @BeforeContainer
    static void startController() throws Exception {
        vertx = Vertx.vertx();
        HttpServer server = vertx.createHttpServer().requestHandler(request -> request.response()
            .putHeader("Content-Type", "application/json").end(answer)).listen(0, "127.0.0.1")
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        controller = new ControllerAuthorizer(vertx, new ControllerAuthorizer.Settings(
            "http://127.0.0.1:" + server.actualPort() + "/controller", Optional.empty(), null,
            Duration.ofSeconds(10), ControllerAuthorizer.Settings.DEFAULT_MAX_BODY_BYTES, 4));
    }

    @AfterContainer
    static void stopController() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Property(tries = 100)
    void aControllersAnswerIsAGrantInsideThePolicyOrARefusalNamingTheField(@ForAll("mutations") Mutation mutation)
            throws Exception {
        answer = JSON.writeValueAsString(mutation.grant());
        check(controller, mutation, 502);
    }

    @Property(tries = 400)
    void aTokensExecClaimIsAGrantInsideThePolicyOrARefusalNamingTheField(@ForAll("mutations") Mutation mutation,
                                                                         @ForAll boolean asText) throws Exception {
        Object claim = asText ? JSON.writeValueAsString(mutation.grant()) : mutation.grant();
        var token = JWT.create().withExpiresAt(NOW.plusSeconds(60)).withJWTId(java.util.UUID.randomUUID().toString());
        token = claim instanceof String text ? token.withClaim("exec", text)
            : token.withClaim("exec", mutation.grant());
        mutation = mutation.withToken(token.sign(Algorithm.HMAC256(SECRET)));
        check(JWT_AUTHORIZER, mutation, 401);
    }

    /** A grant with some fields replaced (or left out), and the token that carries it, if any. */
    record Mutation(Map<String, Object> grant, Set<String> fields, String token) {
        Mutation withToken(String newToken) {
            return new Mutation(grant, fields, newToken);
        }
    }

    private static void check(Authorizer authorizer, Mutation mutation, int invalidStatus) throws Exception {
        HandshakeRequest request = new HandshakeRequest(Optional.of(mutation.token() == null ? "t" : mutation.token()),
            List.of(), Optional.empty(), "127.0.0.1", Optional.empty(), Optional.empty());
        ExecGrant grant;
        try {
            grant = await(authorizer.authorize(request));
        } catch (ExecutionException e) {
            assertThat(e.getCause()).as("refusal of %s", mutation).isInstanceOf(AuthorizationException.class);
            AuthorizationException refusal = (AuthorizationException) e.getCause();
            String message = refusal.getMessage();
            if (refusal.status() == 403) {
                assertThat(message).as("%s", mutation).contains("a watch grant does not allow exec");
                return;
            }
            assertThat(refusal.status()).as("%s: %s", mutation, message).isEqualTo(invalidStatus);
            assertThat(mutation.fields()).as("%s: %s", mutation, message)
                .anySatisfy(field -> assertThat(message).containsPattern("(field |claim: )" + field + "\\b"));
            return;
        }
        PolicyDecision decision = await(POLICY.check(grant));
        if (decision.allowed()) {
            assertThat(decision.container()).as("%s", mutation).contains(WEB);
            assertThat(COMMANDS).as("%s", mutation).contains(grant.command());
            assertThat(grant.user()).as("%s", mutation).contains("1000");
            assertThat(grant.env().keySet()).as("%s", mutation)
                .allSatisfy(key -> assertThat(key.equals("LANG") || key.startsWith("APP_")).isTrue());
        } else {
            assertThat(decision.message()).isNotBlank().hasSizeLessThan(1000);
        }
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        Map<String, Arbitrary<Object>> pools = new LinkedHashMap<>();
        pools.put("container", values("web-1", "db-1", WEB.id(), "3f2a9c", "9b7e11", "web-*", "web-1 ", "", "nope",
            "WEB-1", 5));
        pools.put("command", values(List.of("ls"), List.of("ls", "-la"), List.of("/bin/sh", "-l"),
            List.of("/bin/sh"), List.of("/bin/sh", "-l", "-c", "id"), "ls", "/bin/sh", "ls\0", List.of(),
            List.of(""), List.of(1), List.of("ls", "\0")));
        pools.put("args", values(List.of("-l"), List.of(), "-l", 1));
        pools.put("user", values("1000", "0", "root", "1000:1000", "", " 1000", 1000));
        pools.put("env", values(Map.of("LANG", "C"), Map.of("APP_X", "1"), Map.of("PATH", "/x"), Map.of("LANG", 1),
            Map.of("", "x"), Map.of("A=B", "c"), Map.of("LANG", "C", "LD_PRELOAD", "/x.so"), List.of()));
        pools.put("tty", values(true, false, "true", 1));
        pools.put("workdir", values("/", "/tmp", "tmp", ""));
        pools.put("limits", values(Map.of("idleTimeoutSeconds", 10), Map.of("idleTimeoutSeconds", 0),
            Map.of("maxDurationSeconds", -5), Map.of("maxDurationSeconds", 1.5), Map.of("idleTimeoutSeconds", "10")));
        pools.put("events", values(Map.of("containers", List.of("*")), List.of()));
        pools.put("subject", values("bob", "", 7));
        List<String> fields = new ArrayList<>(pools.keySet());
        return Arbitraries.of(fields).set().ofMinSize(1).ofMaxSize(3).flatMap(chosen -> {
            List<String> order = chosen.stream().sorted().toList();
            List<Arbitrary<Object>> replacements = order.stream().map(pools::get).toList();
            return net.jqwik.api.Combinators.combine(replacements).as(values -> {
                Map<String, Object> grant = new HashMap<>(INSIDE);
                for (int i = 0; i < order.size(); i++) {
                    if (values.get(i) == Leave.OUT) {
                        grant.remove(order.get(i));
                    } else {
                        grant.put(order.get(i), values.get(i));
                    }
                }
                return new Mutation(grant, Set.copyOf(order), null);
            });
        });
    }

    /** Leaves the field out of the grant. */
    enum Leave { OUT }

    /** The given values, a JSON null, and leaving the field out. */
    private static Arbitrary<Object> values(Object... values) {
        List<Object> all = new ArrayList<>(Arrays.asList(values));
        all.add(Leave.OUT);
        all.add(null);
        return Arbitraries.of(all);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
}
