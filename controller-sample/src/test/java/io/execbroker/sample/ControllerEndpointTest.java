package io.execbroker.sample;

import static io.execbroker.sample.SampleFixture.BROKER_SECRET;
import static io.execbroker.sample.SampleFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerEndpointTest {
    private static final MultiMap NONE = MultiMap.caseInsensitiveMultiMap();
    private static final MultiMap EVENTS = MultiMap.caseInsensitiveMultiMap().add("purpose", "events");

    @TempDir
    Path dataDir;
    SampleFixture app;

    @BeforeEach
    void start() {
        app = new SampleFixture(dataDir, false);
    }

    @AfterEach
    void stop() {
        app.close();
    }

    @Test
    void refusesAMissingOrWrongBrokerSecretWith401AndKeepsTheToken() {
        String token = app.aliceToken();

        HttpResponse<Buffer> missing = await(app.redeem(null, token, NONE));
        HttpResponse<Buffer> wrong = await(app.redeem("not-the-broker-secret", token, NONE));

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.getHeader("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(await(app.redeem(BROKER_SECRET, token, NONE)).statusCode()).isEqualTo(200);
    }

    @Test
    void answersAValidTokenWithTheGrantOfTheUser() {
        HttpResponse<Buffer> response = await(app.redeem(BROKER_SECRET, app.aliceToken(), NONE));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("container", "servertest")
            .put("command", new JsonArray().add("/bin/sh")).put("tty", true).put("subject", "alice"));
    }

    @Test
    void refusesASecondUseWith403() {
        String token = app.aliceToken();
        assertThat(await(app.redeem(BROKER_SECRET, token, NONE)).statusCode()).isEqualTo(200);

        HttpResponse<Buffer> second = await(app.redeem(BROKER_SECRET, token, NONE));

        assertThat(second.statusCode()).isEqualTo(403);
        assertThat(second.bodyAsString()).contains("unknown or already used");
    }

    @Test
    void refusesAnUnknownTokenWith403() {
        assertThat(await(app.redeem(BROKER_SECRET, "no-such-token", NONE)).statusCode()).isEqualTo(403);
    }

    @Test
    void refusesAnExpiredTokenWith403() {
        String token = app.aliceToken();
        app.clock.advance(Duration.ofSeconds(30));

        HttpResponse<Buffer> response = await(app.redeem(BROKER_SECRET, token, NONE));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.bodyAsString()).contains("expired");
    }

    @Test
    void acceptsATokenJustBeforeItExpires() {
        String token = app.aliceToken();
        app.clock.advance(Duration.ofSeconds(29));

        assertThat(await(app.redeem(BROKER_SECRET, token, NONE)).statusCode()).isEqualTo(200);
    }

    @Test
    void acceptsARequestedCommandAndTtyEqualToTheGrant() {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("command", "/bin/sh").add("tty", "true");

        assertThat(await(app.redeem(BROKER_SECRET, app.aliceToken(), params)).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesARequestedCommandOtherThanTheGrantWith403AndBurnsTheToken() {
        String token = app.aliceToken();
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("command", "/bin/sh").add("command", "-c")
            .add("command", "id");

        HttpResponse<Buffer> response = await(app.redeem(BROKER_SECRET, token, params));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.bodyAsString()).contains("command: [/bin/sh, -c, id]");
        assertThat(await(app.redeem(BROKER_SECRET, token, NONE)).statusCode()).isEqualTo(403);
    }

    @Test
    void refusesARequestedTtyOtherThanTheGrantWith403() {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("tty", "false");

        assertThat(await(app.redeem(BROKER_SECRET, app.aliceToken(), params)).statusCode()).isEqualTo(403);
    }

    @Test
    void startsAgainOnTheSameDatabaseAndStillRedeemsItsTokens() {
        String token = app.aliceToken();
        app.close();

        app = new SampleFixture(dataDir, false);

        assertThat(await(app.redeem(BROKER_SECRET, token, NONE)).statusCode()).isEqualTo(200);
    }

    @Test
    void redeemsATokenExactlyOnceUnderFiftyConcurrentRequests() {
        String token = app.aliceToken();

        List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            calls.add(app.redeem(BROKER_SECRET, token, NONE));
        }
        await(Future.join(calls));

        List<Integer> statuses = calls.stream().map(f -> f.result().statusCode()).toList();
        assertThat(statuses).hasSize(50);
        assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
        assertThat(statuses).filteredOn(s -> s == 403).hasSize(49);
    }

    @Test
    void answersAWatchTokenAskedForWithPurposeEventsWithTheWatchGrantOfTheUser() {
        HttpResponse<Buffer> response = await(app.redeem(BROKER_SECRET, app.aliceWatchToken(), EVENTS));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Content-Type")).isEqualTo("application/json");
        assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
        assertThat(response.bodyAsJsonObject()).isEqualTo(new JsonObject().put("subject", "alice")
            .put("events", new JsonObject().put("containers", new JsonArray().add("servertest"))
                .put("types", new JsonArray().add("container"))));
    }

    @Test
    void refusesAnExecTokenAskedForWithPurposeEventsWith403AndBurnsIt() {
        String token = app.aliceToken();

        HttpResponse<Buffer> response = await(app.redeem(BROKER_SECRET, token, EVENTS));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.bodyAsJsonObject().getString("error"))
            .isEqualTo("token: an exec token, asked for with purpose=events (expected: a token from"
                + " {\"purpose\": \"events\"})");
        assertThat(await(app.redeem(BROKER_SECRET, token, NONE)).statusCode()).isEqualTo(403);
    }

    @Test
    void refusesAWatchTokenAskedForAsExecWith403AndBurnsIt() {
        String token = app.aliceWatchToken();

        HttpResponse<Buffer> response = await(app.redeem(BROKER_SECRET, token, NONE));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.bodyAsJsonObject().getString("error"))
            .isEqualTo("token: a token for watching events (expected: purpose=events, or an exec token)");
        assertThat(await(app.redeem(BROKER_SECRET, token, EVENTS)).statusCode()).isEqualTo(403);
    }

    @Test
    void refusesASecondUseOfAWatchTokenWith403() {
        String token = app.aliceWatchToken();
        assertThat(await(app.redeem(BROKER_SECRET, token, EVENTS)).statusCode()).isEqualTo(200);

        HttpResponse<Buffer> second = await(app.redeem(BROKER_SECRET, token, EVENTS));

        assertThat(second.statusCode()).isEqualTo(403);
        assertThat(second.bodyAsString()).contains("unknown or already used");
    }

    @Test
    void refusesAnExpiredWatchTokenWith403() {
        String token = app.aliceWatchToken();
        app.clock.advance(Duration.ofSeconds(30));

        HttpResponse<Buffer> response = await(app.redeem(BROKER_SECRET, token, EVENTS));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.bodyAsString()).contains("expired");
    }

    @Test
    void refusesAnUnknownPurposeWith400AndKeepsTheToken() {
        String token = app.aliceWatchToken();

        HttpResponse<Buffer> response = await(app.redeem(BROKER_SECRET, token,
            MultiMap.caseInsensitiveMultiMap().add("purpose", "logs")));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.bodyAsJsonObject().getString("error"))
            .isEqualTo("purpose: \"logs\" (expected: events, or exec or none for an exec session)");
        assertThat(await(app.redeem(BROKER_SECRET, token, EVENTS)).statusCode()).isEqualTo(200);
    }

    @Test
    void refusesAWatchThatAsksForACommandWith400() {
        MultiMap params = MultiMap.caseInsensitiveMultiMap().add("purpose", "events").add("command", "/bin/sh");

        HttpResponse<Buffer> response = await(app.redeem(BROKER_SECRET, app.aliceWatchToken(), params));

        assertThat(response.statusCode()).isEqualTo(400);
    }
}
