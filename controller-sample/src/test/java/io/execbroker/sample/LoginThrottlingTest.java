package io.execbroker.sample;

import static io.execbroker.sample.SampleFixture.ALICE_PASSWORD;
import static io.execbroker.sample.SampleFixture.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The default login limits: 10 attempts a minute per address, 5 failures per 15 minutes per user name. */
class LoginThrottlingTest {
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
    void refusesTheEleventhAttemptOfAMinuteFromOneAddressWith429UntilRetryAfter() {
        for (int i = 0; i < 10; i++) {
            assertThat(login(app.browser(), "nobody-" + i, "guess").statusCode()).as("attempt %d", i + 1)
                .isEqualTo(401);
        }

        HttpResponse<Buffer> eleventh = login(app.browser(), "alice", ALICE_PASSWORD);

        assertThat(eleventh.statusCode()).as("11th attempt in a minute, right password").isEqualTo(429);
        assertThat(eleventh.getHeader("Retry-After")).isEqualTo("6");
        assertThat(eleventh.bodyAsJsonObject().getString("error")).contains("too many login attempts");
        app.clock.advance(Duration.ofSeconds(5));
        assertThat(login(app.browser(), "alice", ALICE_PASSWORD).statusCode()).as("after 5 s").isEqualTo(429);
        app.clock.advance(Duration.ofSeconds(1));
        assertThat(login(app.browser(), "alice", ALICE_PASSWORD).statusCode()).as("after 6 s").isEqualTo(200);
    }

    @Test
    void refusesAUserAfterFiveFailuresEvenWithTheRightPasswordUntilRetryAfter() {
        for (int i = 0; i < 5; i++) {
            assertThat(login(app.browser(), "alice", "guess-" + i).statusCode()).as("failure %d", i + 1)
                .isEqualTo(401);
        }

        HttpResponse<Buffer> sixth = login(app.browser(), "alice", ALICE_PASSWORD);

        assertThat(sixth.statusCode()).as("alice after 5 failures, right password").isEqualTo(429);
        assertThat(sixth.getHeader("Retry-After")).isEqualTo("180");
        assertThat(sixth.bodyAsJsonObject().getString("error")).contains("too many failed logins");
        assertThat(login(app.browser(), "bob", SampleFixture.BOB_PASSWORD).statusCode()).as("bob meanwhile")
            .isEqualTo(200);
        app.clock.advance(Duration.ofMinutes(3));
        assertThat(login(app.browser(), "alice", ALICE_PASSWORD).statusCode()).as("alice 3 min later")
            .isEqualTo(200);
    }

    @Test
    void successfulLoginsDoNotCountAsFailures() {
        for (int i = 0; i < 8; i++) {
            assertThat(login(app.browser(), "alice", ALICE_PASSWORD).statusCode()).as("login %d", i + 1)
                .isEqualTo(200);
        }
    }
}
