package io.execbroker.sample;

import static io.execbroker.sample.SampleFixture.ALICE_PASSWORD;
import static io.execbroker.sample.SampleFixture.await;
import static io.execbroker.sample.SampleFixture.csrf;
import static io.execbroker.sample.SampleFixture.login;
import static io.execbroker.sample.SampleFixture.requestToken;
import static io.execbroker.sample.SampleFixture.signIn;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientSession;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoginAndTokensTest {
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
    void signsInWithTheRightPasswordAndSetsAStrictHttpOnlyCookie() {
        WebClientSession browser = app.browser();

        HttpResponse<Buffer> response = login(browser, "alice", ALICE_PASSWORD);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getString("user")).isEqualTo("alice");
        assertThat(response.cookies()).anySatisfy(cookie -> assertThat(cookie)
            .startsWith("sample.session=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict"));
    }

    @Test
    void signsInWithAFormCarryingTheCsrfTokenAsAField() {
        WebClientSession browser = app.browser();
        MultiMap form = MultiMap.caseInsensitiveMultiMap().add("username", "alice").add("password", ALICE_PASSWORD)
            .add("_csrf", csrf(browser));

        HttpResponse<Buffer> response = await(browser.post("/login").sendForm(form));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsJsonObject().getString("user")).isEqualTo("alice");
    }

    @Test
    void servesStaticFilesFromTheWebrootOnTheClassPath() {
        HttpResponse<Buffer> response = await(app.browser().get("/static-check.txt").send());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.bodyAsString()).isEqualTo("served from the class path\n");
    }

    @Test
    void refusesAWrongPasswordAndAnUnknownUserWithTheSameAnswer() {
        HttpResponse<Buffer> wrongPassword = login(app.browser(), "alice", "not-her-password");
        HttpResponse<Buffer> unknownUser = login(app.browser(), "mallory", ALICE_PASSWORD);

        assertThat(wrongPassword.statusCode()).isEqualTo(401);
        assertThat(unknownUser.statusCode()).isEqualTo(401);
        assertThat(unknownUser.bodyAsString()).isEqualTo(wrongPassword.bodyAsString())
            .contains("wrong username or password");
    }

    @Test
    void meListsTheSignedInUsersGrantsAndTheBrokerUrl() {
        WebClientSession browser = app.browser();
        signIn(browser, "alice", ALICE_PASSWORD);

        JsonObject me = await(browser.get("/api/me").send()).bodyAsJsonObject();

        assertThat(me.getString("user")).isEqualTo("alice");
        assertThat(me.getString("brokerUrl")).isEqualTo("ws://127.0.0.1:8866/exec");
        assertThat(me.getString("csrfToken")).isNotEmpty();
        assertThat(me.getJsonArray("grants")).containsExactly(new JsonObject()
            .put("container", "servertest").put("command", new JsonArray().add("/bin/sh")).put("tty", true)
            .put("subject", "alice"));
    }

    @Test
    void meBeforeLoginHasNoUserButACsrfToken() {
        JsonObject me = await(app.browser().get("/api/me").send()).bodyAsJsonObject();

        assertThat(me.getValue("user")).isNull();
        assertThat(me.getJsonArray("grants")).isEmpty();
        assertThat(me.getString("csrfToken")).isNotEmpty();
    }

    @Test
    void refusesALoginWithoutCsrfTokenWith403() {
        WebClientSession browser = app.browser();
        csrf(browser);

        HttpResponse<Buffer> response = await(browser.post("/login")
            .sendJsonObject(new JsonObject().put("username", "alice").put("password", ALICE_PASSWORD)));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.bodyAsString()).contains("CSRF");
    }

    @Test
    void refusesALoginWithTheCsrfTokenOfAnotherBrowserWith403() {
        WebClientSession attacker = app.browser();
        WebClientSession victim = app.browser();
        String attackersToken = csrf(attacker);
        csrf(victim);

        HttpResponse<Buffer> response = await(victim.post("/login").putHeader("X-CSRF-Token", attackersToken)
            .sendJsonObject(new JsonObject().put("username", "alice").put("password", ALICE_PASSWORD)));

        assertThat(response.statusCode()).isEqualTo(403);
    }

    @Test
    void givesTheLoginCsrfTokenInAStrictHttpOnlyCookie() {
        HttpResponse<Buffer> me = await(app.browser().get("/api/me").send());

        assertThat(me.cookies()).singleElement().satisfies(cookie -> assertThat(cookie)
            .startsWith("sample.csrf=" + me.bodyAsJsonObject().getString("csrfToken") + ";")
            .containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/"));
    }

    @Test
    void refusesATokenRequestWithoutOrWithAWrongCsrfTokenWith403() {
        WebClientSession browser = app.browser();
        signIn(browser, "alice", ALICE_PASSWORD);

        HttpResponse<Buffer> without = await(browser.post("/api/tokens")
            .sendJsonObject(new JsonObject().put("grantIndex", 0)));
        HttpResponse<Buffer> wrong = requestToken(browser, "not-the-token", new JsonObject().put("grantIndex", 0));

        assertThat(without.statusCode()).isEqualTo(403);
        assertThat(wrong.statusCode()).isEqualTo(403);
    }

    @Test
    void theCsrfTokenOfBeforeLoginNoLongerWorksAfterIt() {
        WebClientSession browser = app.browser();
        String before = csrf(browser);
        signIn(browser, "alice", ALICE_PASSWORD);

        assertThat(requestToken(browser, before, new JsonObject().put("grantIndex", 0)).statusCode()).isEqualTo(403);
    }

    @Test
    void issuesATokenForOwnGrantByIndexOrByValue() {
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        HttpResponse<Buffer> byIndex = requestToken(browser, csrf, new JsonObject().put("grantIndex", 0));
        HttpResponse<Buffer> byValue = requestToken(browser, csrf, new JsonObject().put("container", "servertest")
            .put("command", new JsonArray().add("/bin/sh")).put("tty", true));

        assertThat(byIndex.statusCode()).isEqualTo(200);
        assertThat(byIndex.getHeader("Cache-Control")).isEqualTo("no-store");
        JsonObject body = byIndex.bodyAsJsonObject();
        assertThat(body.getString("token")).hasSizeGreaterThanOrEqualTo(22).matches("[A-Za-z0-9_-]+");
        assertThat(body.getLong("expiresInSeconds")).isEqualTo(30L);
        assertThat(body.getString("brokerUrl")).isEqualTo("ws://127.0.0.1:8866/exec");
        assertThat(byValue.statusCode()).isEqualTo(200);
        assertThat(byValue.bodyAsJsonObject().getString("token")).isNotEqualTo(body.getString("token"));
    }

    @Test
    void refusesATokenForAGrantThatIsNotTheUsersWith403() {
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        HttpResponse<Buffer> bobsGrant = requestToken(browser, csrf, new JsonObject().put("container", "servertest")
            .put("command", new JsonArray().add("ps").add("aux")).put("tty", false));
        HttpResponse<Buffer> shellWithoutTty = requestToken(browser, csrf, new JsonObject()
            .put("container", "servertest").put("command", new JsonArray().add("/bin/sh")).put("tty", false));
        HttpResponse<Buffer> noSuchIndex = requestToken(browser, csrf, new JsonObject().put("grantIndex", 1));

        assertThat(bobsGrant.statusCode()).isEqualTo(403);
        assertThat(bobsGrant.bodyAsString()).contains("not one of the grants of alice");
        assertThat(shellWithoutTty.statusCode()).isEqualTo(403);
        assertThat(noSuchIndex.statusCode()).isEqualTo(403);
    }

    @Test
    void refusesATokenRequestBeforeLoginWith401() {
        WebClientSession browser = app.browser();

        HttpResponse<Buffer> response = requestToken(browser, csrf(browser), new JsonObject().put("grantIndex", 0));

        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void logoutEndsTheSession() {
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        HttpResponse<Buffer> logout = await(browser.post("/logout").putHeader("X-CSRF-Token", csrf).send());

        assertThat(logout.statusCode()).isEqualTo(204);
        assertThat(await(browser.get("/api/me").send()).bodyAsJsonObject().getValue("user")).isNull();
    }

    @Test
    void issuesAWatchTokenAndTheEventsUrlOfTheBroker() {
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        HttpResponse<Buffer> response = requestToken(browser, csrf, new JsonObject().put("purpose", "events"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
        JsonObject body = response.bodyAsJsonObject();
        assertThat(body.getString("token")).hasSizeGreaterThanOrEqualTo(22).matches("[A-Za-z0-9_-]+");
        assertThat(body.getLong("expiresInSeconds")).isEqualTo(30L);
        assertThat(body.getString("eventsUrl")).isEqualTo("ws://127.0.0.1:8866/events");
        assertThat(body.containsKey("brokerUrl")).isFalse();
    }

    @Test
    void refusesAWatchTokenRequestWithoutCsrfTokenWith403AndBeforeLoginWith401() {
        WebClientSession browser = app.browser();
        HttpResponse<Buffer> anonymous = requestToken(browser, csrf(browser), new JsonObject().put("purpose", "events"));
        signIn(browser, "alice", ALICE_PASSWORD);

        HttpResponse<Buffer> withoutCsrf = await(browser.post("/api/tokens")
            .sendJsonObject(new JsonObject().put("purpose", "events")));

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(withoutCsrf.statusCode()).isEqualTo(403);
    }

    @Test
    void refusesAnUnknownTokenPurposeWith400() {
        WebClientSession browser = app.browser();
        String csrf = signIn(browser, "alice", ALICE_PASSWORD);

        HttpResponse<Buffer> unknown = requestToken(browser, csrf, new JsonObject().put("purpose", "logs"));
        HttpResponse<Buffer> notAString = requestToken(browser, csrf, new JsonObject().put("purpose", 1));

        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.bodyAsJsonObject().getString("error")).startsWith("purpose: \"logs\"");
        assertThat(notAString.statusCode()).isEqualTo(400);
    }
}
