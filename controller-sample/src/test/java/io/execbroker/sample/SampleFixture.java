package io.execbroker.sample;

import io.execbroker.sample.auth.PasswordHash;
import io.execbroker.sample.auth.Users;
import io.execbroker.sample.config.LoginLimits;
import io.execbroker.sample.config.SampleConfig;
import io.execbroker.sample.config.UsersFile;
import io.execbroker.sample.fleet.Brokers;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The app on port 0 with a real H2 file database in a temp dir, two users and a clock tests move. alice may open
 * {@code /bin/sh} in {@code servertest} with a tty; bob may only run {@code ps aux} there without one.
 */
public final class SampleFixture implements AutoCloseable {
    public static final String BROKER_SECRET = "broker-secret-for-tests-0123456789";
    public static final String ALICE_PASSWORD = "alice-password";
    static final String BOB_PASSWORD = "bob-password";
    public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    final Vertx vertx = Vertx.vertx(new VertxOptions().setMaxEventLoopExecuteTime(200)
        .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    final MutableClock clock = new MutableClock(START);
    /** Kept in fields: in Vert.x 5 unreachable clients get cleaned up. */
    final WebClient client;
    final SampleVerticle app;

    SampleFixture(Path dataDir, boolean jwtMode) {
        this(dataDir, jwtMode, LoginLimits.DEFAULTS);
    }

    SampleFixture(Path dataDir, boolean jwtMode, LoginLimits loginLimits) {
        this(dataDir, Brokers.single(URI.create("ws://127.0.0.1:8866/exec"), Optional.empty()),
            jwtMode ? Optional.of("test-broker") : Optional.empty(), jwtMode, loginLimits, users());
    }

    /**
     * The app with these brokers and users.
     *
     * @param audience JWT mode's fixed {@code aud}, or empty for each broker's id (JWT mode only)
     */
    SampleFixture(Path dataDir, Brokers brokers, Optional<String> audience, boolean jwtMode, LoginLimits loginLimits,
                  Users users) {
        SampleConfig config = new SampleConfig("127.0.0.1", 0, "jdbc:h2:file:" + dataDir.resolve("tokens"),
            Optional.of(BROKER_SECRET), Duration.ofSeconds(30), brokers,
            jwtMode ? Optional.of(new SampleConfig.JwtSettings(Optional.empty(), audience, Optional.of("sample")))
                : Optional.empty(),
            Optional.empty(), false, loginLimits);
        app = new SampleVerticle(config, users, clock);
        await(vertx.deployVerticle(app));
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
            .setDefaultPort(app.actualPort()), new PoolOptions().setHttp1MaxSize(64));
    }

    static Users users() {
        return UsersFile.parse(usersJson(), "test");
    }

    /** Returns the users file of alice and bob, as {@code --users} reads it. */
    public static String usersJson() {
        SecureRandom random = new SecureRandom();
        String alice = PasswordHash.create(ALICE_PASSWORD.toCharArray(), PasswordHash.MIN_ITERATIONS, random).toString();
        String bob = PasswordHash.create(BOB_PASSWORD.toCharArray(), PasswordHash.MIN_ITERATIONS, random).toString();
        return """
            {"alice": {"hash": "%s", "grants": [{"container": "servertest", "command": ["/bin/sh"], "tty": true}]},
             "bob": {"hash": "%s", "grants": [{"container": "servertest", "command": ["ps", "aux"]}]}}
            """.formatted(alice, bob);
    }

    /** Returns a browser-like client: its own cookie jar. */
    WebClientSession browser() {
        return WebClientSession.create(client);
    }

    /** Reads the CSRF token of the browser's session from {@code GET /api/me}. */
    static String csrf(WebClientSession browser) {
        return await(browser.get("/api/me").send()).bodyAsJsonObject().getString("csrfToken");
    }

    static HttpResponse<Buffer> login(WebClientSession browser, String user, String password) {
        return await(browser.post("/login").putHeader("X-CSRF-Token", csrf(browser))
            .sendJsonObject(new JsonObject().put("username", user).put("password", password)));
    }

    /** Signs in and returns the session's new CSRF token. */
    public static String signIn(WebClientSession browser, String user, String password) {
        HttpResponse<Buffer> response = login(browser, user, password);
        if (response.statusCode() != 200) {
            throw new AssertionError("login of " + user + ": " + response.statusCode() + " " + response.bodyAsString());
        }
        return response.bodyAsJsonObject().getString("csrfToken");
    }

    public static HttpResponse<Buffer> requestToken(WebClientSession browser, String csrf, JsonObject body) {
        return await(browser.post("/api/tokens").putHeader("X-CSRF-Token", csrf).sendJsonObject(body));
    }

    /** Issues alice's shell token, as the page would. */
    String aliceToken() {
        WebClientSession browser = browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);
        HttpResponse<Buffer> response = requestToken(browser, csrf, new JsonObject().put("grantIndex", 0));
        return response.bodyAsJsonObject().getString("token");
    }

    /** Issues alice's watch token, as the events panel would. */
    String aliceWatchToken() {
        WebClientSession browser = browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);
        HttpResponse<Buffer> response = requestToken(browser, csrf, new JsonObject().put("purpose", "events"));
        return response.bodyAsJsonObject().getString("token");
    }

    /** Calls the controller endpoint as a broker that sends no {@code X-Exec-Broker-Id} does. */
    Future<HttpResponse<Buffer>> redeem(String secret, String token, MultiMap extraParams) {
        return redeem(secret, token, extraParams, null);
    }

    /** Calls the controller endpoint as the broker {@code brokerId} does (null: one that sends no id). */
    Future<HttpResponse<Buffer>> redeem(String secret, String token, MultiMap extraParams, String brokerId) {
        var request = client.get("/controller").addQueryParam("token", token);
        if (brokerId != null) {
            request.putHeader("X-Exec-Broker-Id", brokerId);
        }
        extraParams.forEach(request::addQueryParam);
        if (secret != null) {
            request.bearerTokenAuthentication(secret);
        }
        return request.send();
    }

    public static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("future failed or timed out", e);
        }
    }

    @Override
    public void close() {
        await(vertx.close());
    }
}
