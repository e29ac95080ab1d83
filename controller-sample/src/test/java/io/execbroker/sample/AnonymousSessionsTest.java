package io.execbroker.sample;

import static io.execbroker.sample.SampleFixture.ALICE_PASSWORD;
import static io.execbroker.sample.SampleFixture.BROKER_SECRET;
import static io.execbroker.sample.SampleFixture.await;
import static io.execbroker.sample.SampleFixture.login;
import static io.execbroker.sample.SampleFixture.signIn;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientSession;
import io.vertx.ext.web.sstore.LocalSessionStore;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Only a successful login stores a session: anonymous visitors cost the server no memory and get no session cookie. */
class AnonymousSessionsTest {
    private static final List<String> ANONYMOUS_GETS = List.of("/", "/index.html", "/terminal.html",
        "/static-check.txt", "/api/me", "/api/me", "/no-such-file");

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
    void anonymousRequestsStoreNoSessionAndSetNoSessionCookie() {
        for (int visitor = 0; visitor < 3; visitor++) {
            WebClientSession browser = app.browser();
            for (String path : ANONYMOUS_GETS) {
                assertNoSessionCookie("GET " + path, await(browser.get(path).send()));
            }
            assertNoSessionCookie("a refused login", login(browser, "alice", "not-her-password"));
            assertNoSessionCookie("a token request before login", await(browser.post("/api/tokens").send()));
            assertNoSessionCookie("GET /controller", await(app.redeem(BROKER_SECRET, "no-such-token",
                MultiMap.caseInsensitiveMultiMap())));
        }

        assertThat(storedSessions()).as("sessions stored after %d anonymous requests", 3 * (ANONYMOUS_GETS.size() + 3))
            .isZero();
    }

    @Test
    void aLoginStoresOneSession() {
        WebClientSession browser = app.browser();
        signIn(browser, "alice", ALICE_PASSWORD);
        await(browser.get("/api/me").send());

        assertThat(storedSessions()).as("sessions stored after one login").isEqualTo(1);
    }

    @Test
    void aCookieOfAnUnknownSessionStoresNoSession() {
        String cookie = "sample.session=made-up-session-id-0123456789abcdef";

        await(app.client.get("/api/me").putHeader("Cookie", cookie).send());
        await(app.client.get("/index.html").putHeader("Cookie", cookie).send());

        assertThat(storedSessions()).as("sessions stored for requests naming an unknown session").isZero();
    }

    private int storedSessions() {
        return app.vertx.sharedData().getLocalMap(LocalSessionStore.DEFAULT_SESSION_MAP_NAME).size();
    }

    private static void assertNoSessionCookie(String request, HttpResponse<Buffer> response) {
        assertThat(response.cookies()).as("Set-Cookie of %s (%d)", request, response.statusCode())
            .noneMatch(cookie -> cookie.startsWith("sample.session=") && !cookie.contains("Max-Age=0"));
    }
}
