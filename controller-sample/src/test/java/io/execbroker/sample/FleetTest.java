package io.execbroker.sample;

import static io.execbroker.sample.SampleFixture.ALICE_PASSWORD;
import static io.execbroker.sample.SampleFixture.BROKER_SECRET;
import static io.execbroker.sample.SampleFixture.await;
import static io.execbroker.sample.SampleFixture.requestToken;
import static io.execbroker.sample.SampleFixture.signIn;
import static org.assertj.core.api.Assertions.assertThat;

import com.auth0.jwt.JWT;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.execbroker.sample.auth.PasswordHash;
import io.execbroker.sample.auth.Users;
import io.execbroker.sample.config.LoginLimits;
import io.execbroker.sample.config.UsersFile;
import io.execbroker.sample.fleet.BrokerRoute;
import io.execbroker.sample.fleet.Brokers;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientSession;

import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app with a fleet of two brokers: {@code host-a} serves {@code servertest}, {@code host-b} serves
 * {@code fleet-b}; alice holds a shell in each and one in {@code orphan}, which no broker serves. Routing (which
 * broker's URL the page gets), binding (which broker may redeem a token) in token and JWT mode, for exec and watch
 * tokens alike, and the one-broker case named by {@code --broker-id}.
 */
class FleetTest {
    private static final MultiMap NONE = MultiMap.caseInsensitiveMultiMap();
    private static final MultiMap EVENTS = MultiMap.caseInsensitiveMultiMap().add("purpose", "events");
    private static final Brokers FLEET = Brokers.fleet(List.of(
        BrokerRoute.serving("host-a", URI.create("ws://127.0.0.1:8866/exec"), List.of("servertest")),
        BrokerRoute.serving("host-b", URI.create("ws://127.0.0.1:8867/exec"), List.of("fleet-b"))));
    private static final int SERVERTEST = 0;
    private static final int FLEET_B = 1;
    private static final int ORPHAN = 2;

    @TempDir
    Path dataDir;
    SampleFixture app;

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void handsThePageTheUrlOfTheBrokerThatServesTheGrantsContainer() {
        app = fleet(false);
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        JsonObject onB = requestToken(browser, csrf, new JsonObject().put("grantIndex", FLEET_B)).bodyAsJsonObject();
        JsonObject onA = requestToken(browser, csrf, new JsonObject().put("grantIndex", SERVERTEST)).bodyAsJsonObject();

        assertThat(onB.getString("brokerUrl")).isEqualTo("ws://127.0.0.1:8867/exec");
        assertThat(onB.getString("broker")).isEqualTo("host-b");
        assertThat(onA.getString("brokerUrl")).isEqualTo("ws://127.0.0.1:8866/exec");
        assertThat(onA.getString("broker")).isEqualTo("host-a");
    }

    @Test
    void refusesAContainerNoBrokerServesWith404NamingItAndIssuesNothing() throws Exception {
        app = fleet(false);
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        HttpResponse<Buffer> response = requestToken(browser, csrf, new JsonObject().put("grantIndex", ORPHAN));

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("error", "container orphan: no broker"
            + " serves it (expected: a container listed under one of the brokers)"));
        assertThat(storedTokens()).isZero();
    }

    @Test
    void letsOnlyTheTokensOwnBrokerRedeemIt() {
        app = fleet(false);

        HttpResponse<Buffer> own = await(app.redeem(BROKER_SECRET, token(FLEET_B), NONE, "host-b"));

        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.bodyAsJsonObject().getString("container")).isEqualTo("fleet-b");
    }

    @Test
    void refusesATokenPresentedToTheWrongBrokerWith403AndSpendsIt() {
        app = fleet(false);
        String token = token(FLEET_B);

        HttpResponse<Buffer> wrong = await(app.redeem(BROKER_SECRET, token, NONE, "host-a"));
        HttpResponse<Buffer> thenOwn = await(app.redeem(BROKER_SECRET, token, NONE, "host-b"));

        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.getHeader("Content-Type")).startsWith("application/json");
        assertThat(wrong.bodyAsJsonObject().getString("error")).isEqualTo("token: issued for broker host-b, presented"
            + " to broker \"host-a\" (expected: the broker the app handed it with)");
        assertThat(thenOwn.statusCode()).isEqualTo(403);
        assertThat(thenOwn.bodyAsJsonObject().getString("error")).isEqualTo("token: unknown or already used");
    }

    @Test
    void refusesABrokerThatSendsNoIdInAFleetWith403AndSpendsTheToken() {
        app = fleet(false);
        String token = token(SERVERTEST);

        HttpResponse<Buffer> anonymous = await(app.redeem(BROKER_SECRET, token, NONE));

        assertThat(anonymous.statusCode()).isEqualTo(403);
        assertThat(anonymous.bodyAsJsonObject().getString("error")).startsWith("X-Exec-Broker-Id: missing");
        assertThat(await(app.redeem(BROKER_SECRET, token, NONE, "host-a")).statusCode()).isEqualTo(403);
    }

    @Test
    void bindsAWatchTokenToTheBrokerItNamesAndScopesItToThatBrokersContainers() {
        app = fleet(false);
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        JsonObject issued = requestToken(browser, csrf, new JsonObject().put("purpose", "events").put("broker",
            "host-b")).bodyAsJsonObject();
        String token = issued.getString("token");
        HttpResponse<Buffer> wrong = await(app.redeem(BROKER_SECRET, token, EVENTS, "host-a"));

        assertThat(issued.getString("eventsUrl")).isEqualTo("ws://127.0.0.1:8867/events");
        assertThat(issued.getString("broker")).isEqualTo("host-b");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.bodyAsJsonObject().getString("error")).startsWith("token: issued for broker host-b");

        String again = requestToken(browser, csrf, new JsonObject().put("purpose", "events").put("broker", "host-b"))
            .bodyAsJsonObject().getString("token");
        HttpResponse<Buffer> own = await(app.redeem(BROKER_SECRET, again, EVENTS, "host-b"));
        assertThat(own.statusCode()).isEqualTo(200);
        assertThat(own.bodyAsJsonObject().getJsonObject("events").getJsonArray("containers"))
            .isEqualTo(new JsonArray().add("fleet-b"));
    }

    @Test
    void givesAWatchThatNamesNoBrokerTheFirstBrokerServingTheUserAndRefusesAnUnknownOne() {
        app = fleet(false);
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        JsonObject first = requestToken(browser, csrf, new JsonObject().put("purpose", "events")).bodyAsJsonObject();
        HttpResponse<Buffer> unknown = requestToken(browser, csrf, new JsonObject().put("purpose", "events")
            .put("broker", "host-z"));
        HttpResponse<Buffer> notAString = requestToken(browser, csrf, new JsonObject().put("purpose", "events")
            .put("broker", 7));

        assertThat(first.getString("broker")).isEqualTo("host-a");
        assertThat(first.getString("eventsUrl")).isEqualTo("ws://127.0.0.1:8866/events");
        assertThat(await(app.redeem(BROKER_SECRET, first.getString("token"), EVENTS, "host-a")).bodyAsJsonObject()
            .getJsonObject("events").getJsonArray("containers")).isEqualTo(new JsonArray().add("servertest"));
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.bodyAsJsonObject().getString("error"))
            .isEqualTo("broker \"host-z\": unknown (expected: one of host-a, host-b)");
        assertThat(notAString.statusCode()).isEqualTo(400);
    }

    @Test
    void meListsTheBrokersOfTheUsersGrantsAndNoSingleBrokerUrl() {
        app = fleet(false);
        WebClientSession browser = app.browser();
        signIn(browser, "alice", ALICE_PASSWORD);

        JsonObject me = await(browser.get("/api/me").send()).bodyAsJsonObject();

        assertThat(me.getJsonArray("brokers")).isEqualTo(new JsonArray().add("host-a").add("host-b"));
        assertThat(me.containsKey("brokerUrl")).isFalse();
    }

    @Test
    void signsEachJwtForTheAudienceOfItsBroker() {
        app = fleet(true);
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        DecodedJWT onB = JWT.decode(requestToken(browser, csrf, new JsonObject().put("grantIndex", FLEET_B))
            .bodyAsJsonObject().getString("token"));
        DecodedJWT onA = JWT.decode(requestToken(browser, csrf, new JsonObject().put("grantIndex", SERVERTEST))
            .bodyAsJsonObject().getString("token"));
        DecodedJWT watchB = JWT.decode(requestToken(browser, csrf, new JsonObject().put("purpose", "events")
            .put("broker", "host-b")).bodyAsJsonObject().getString("token"));
        HttpResponse<Buffer> orphan = requestToken(browser, csrf, new JsonObject().put("grantIndex", ORPHAN));

        assertThat(onB.getAudience()).containsExactly("host-b");
        assertThat(onB.getClaim("exec").asMap()).containsEntry("container", "fleet-b");
        assertThat(onA.getAudience()).containsExactly("host-a");
        assertThat(watchB.getAudience()).containsExactly("host-b");
        assertThat(watchB.getClaim("events").asMap()).isEqualTo(Map.of("containers", List.of("fleet-b"),
            "types", List.of("container")));
        assertThat(orphan.statusCode()).isEqualTo(404);
    }

    @Test
    void oneBrokerNamedByBrokerIdRefusesAnotherIdAndAcceptsNone() {
        app = new SampleFixture(dataDir, Brokers.single(URI.create("ws://127.0.0.1:8866/exec"), Optional.of("host-a")),
            Optional.empty(), false, LoginLimits.DEFAULTS, users());

        HttpResponse<Buffer> other = await(app.redeem(BROKER_SECRET, token(SERVERTEST), NONE, "host-b"));
        HttpResponse<Buffer> none = await(app.redeem(BROKER_SECRET, token(SERVERTEST), NONE));
        HttpResponse<Buffer> own = await(app.redeem(BROKER_SECRET, token(ORPHAN), NONE, "host-a"));

        assertThat(other.statusCode()).isEqualTo(403);
        assertThat(other.bodyAsJsonObject().getString("error")).startsWith("token: issued for broker host-a,");
        assertThat(none.statusCode()).isEqualTo(200);
        assertThat(own.statusCode()).isEqualTo(200);
    }

    @Test
    void oneBrokerNotNamedAcceptsAnyIdAsBeforeFleets() {
        app = new SampleFixture(dataDir, false);

        assertThat(await(app.redeem(BROKER_SECRET, app.aliceToken(), NONE, "some-host")).statusCode()).isEqualTo(200);
        assertThat(await(app.redeem(BROKER_SECRET, app.aliceWatchToken(), EVENTS, "some-host")).statusCode())
            .isEqualTo(200);
    }

    private SampleFixture fleet(boolean jwtMode) {
        return new SampleFixture(dataDir, FLEET, Optional.empty(), jwtMode, LoginLimits.DEFAULTS, users());
    }

    /** Issues alice's token for her grant {@code grantIndex}, as the page would. */
    private String token(int grantIndex) {
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);
        HttpResponse<Buffer> response = requestToken(browser, csrf, new JsonObject().put("grantIndex", grantIndex));
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        return response.bodyAsJsonObject().getString("token");
    }

    private int storedTokens() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dataDir.resolve("tokens"));
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM exec_tokens")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Users users() {
        String hash = PasswordHash.create(ALICE_PASSWORD.toCharArray(), PasswordHash.MIN_ITERATIONS,
            new SecureRandom()).toString();
        return UsersFile.parse("""
            {"alice": {"hash": "%s", "grants": [
                {"container": "servertest", "command": ["/bin/sh"], "tty": true},
                {"container": "fleet-b", "command": ["/bin/sh"], "tty": true},
                {"container": "orphan", "command": ["/bin/sh"], "tty": true}]}}
            """.formatted(hash), "test");
    }
}
