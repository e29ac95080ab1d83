package io.execbroker.broker.auth;

import static io.execbroker.broker.auth.JwtFixtures.NOW;
import static io.execbroker.broker.auth.JwtFixtures.base64Url;
import static io.execbroker.broker.auth.JwtFixtures.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * No fetch storm: 1000 tokens with random unknown {@code kid}s (path-like, huge, unicode, control characters), the
 * clock moving on by random steps, against a key server on a free port that records when each fetch came. Every
 * token is refused with 401 "unknown kid" (or 503 while the server fails), and no two fetches start less than the
 * minimum refresh interval (10 s) apart, however the tokens fall.
 */
class JwtJwksFuzzTest {
    private static final Duration INTERVAL = JwtSettings.DEFAULT_JWKS_MIN_REFRESH_INTERVAL;
    private static final String KEY_SET = "{\"keys\":[]}";
    private static final int TOKENS = 1000;
    private static final List<String> ODD_KIDS = List.of("../../etc/passwd", "/etc/shadow", "..%2f..%2fetc", "ключ🔑",
        "\u202e", "a\r\nX-Injected: 1", "http://127.0.0.1:1/", "k".repeat(20_000));

    private static Vertx vertx;
    private static HttpServer server;
    private static volatile JwtFixtures.MutableClock clock;
    private static volatile int status;
    private static final Queue<Instant> fetches = new ConcurrentLinkedQueue<>();

    @BeforeContainer
    static void startKeyServer() throws Exception {
        vertx = Vertx.vertx();
        server = JwtFixtures.await(vertx.createHttpServer().requestHandler(request -> {
            fetches.add(clock.instant());
            request.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(KEY_SET);
        }).listen(0, "127.0.0.1"));
    }

    @AfterContainer
    static void stopKeyServer() throws Exception {
        JwtFixtures.await(vertx.close());
    }

    /**
     * The kids and clock steps come from one random seed (jqwik picks it, and reports it on failure): generating
     * 1000 shrinkable strings per try costs more than the tokens themselves.
     */
    @Property(tries = 3)
    void randomUnknownKidsFetchAtMostOncePerInterval(@ForAll long seed, @ForAll boolean serverFails) throws Exception {
        Random random = new Random(seed);
        clock = new JwtFixtures.MutableClock(NOW);
        status = serverFails ? 500 : 200;
        fetches.clear();
        URI url = URI.create("http://127.0.0.1:" + server.actualPort() + "/jwks.json");
        JwtAuthorizer authorizer = new JwtAuthorizer(vertx, JwtSettings.builder(JwtKeySource.jwks(url)).build(), clock);

        for (int i = 0; i < TOKENS; i++) {
            String kid = kid(random);
            String header = "{\"alg\":\"RS256\",\"kid\":\"" + escape(kid) + "\"}";
            String token = base64Url(header) + "." + base64Url("{\"exp\":" + (NOW.getEpochSecond() + 60) + "}") + ".c2ln";
            try {
                authorizer.authorize(request(token)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
                throw new AssertionError("granted with kid " + kid);
            } catch (ExecutionException e) {
                AuthorizationException refusal = (AuthorizationException) e.getCause();
                if (refusal.getMessage().equals("token too large")) {
                    assertThat(refusal.status()).isEqualTo(401); // refused before its kid is looked at
                } else if (serverFails) {
                    assertThat(refusal.status()).isEqualTo(503);
                    assertThat(refusal.getMessage()).isEqualTo("key set unavailable");
                } else {
                    assertThat(refusal.status()).isEqualTo(401);
                    assertThat(refusal.getMessage()).isEqualTo("unknown kid");
                }
            }
            clock.advance(Duration.ofMillis(step(random)));
        }

        List<Instant> at = List.copyOf(fetches);
        Duration elapsed = Duration.between(NOW, clock.instant());
        assertThat(at).isNotEmpty().hasSizeLessThanOrEqualTo((int) (elapsed.toMillis() / INTERVAL.toMillis()) + 1);
        for (int i = 1; i < at.size(); i++) {
            assertThat(Duration.between(at.get(i - 1), at.get(i))).as("between fetches %d and %d", i, i + 1)
                .isGreaterThanOrEqualTo(INTERVAL);
        }
    }

    /** Returns a kid no key set holds: any short string, control characters, path-like, unicode, or huge. */
    private static String kid(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> random.ints(1 + random.nextInt(24), 0x20, 0x2fff)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            case 1 -> random.ints(1 + random.nextInt(4), 0, 0x20)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
            case 2 -> Long.toHexString(random.nextLong());
            default -> ODD_KIDS.get(random.nextInt(ODD_KIDS.size()));
        };
    }

    /** Milliseconds the clock moves after a token: mostly none (a burst), some short steps, now and then seconds. */
    private static int step(Random random) {
        int dice = random.nextInt(100);
        return dice < 80 ? 0 : dice < 95 ? 1 + random.nextInt(200) : 1_000 + random.nextInt(5_000);
    }

    /** Returns {@code text} as the inside of a JSON string. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.chars().forEach(c -> out.append(c < 0x20 || c == '"' || c == '\\' ? String.format("\\u%04x", c)
            : String.valueOf((char) c)));
        return out.toString();
    }
}
