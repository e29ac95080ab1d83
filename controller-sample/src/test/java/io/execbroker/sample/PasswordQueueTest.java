package io.execbroker.sample;

import static io.execbroker.sample.SampleFixture.ALICE_PASSWORD;
import static io.execbroker.sample.SampleFixture.await;
import static io.execbroker.sample.SampleFixture.csrf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.execbroker.sample.config.LoginLimits;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientSession;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the password pool's 2 threads busy, one check may wait ({@code maxWaitingChecks} 1); the next login gets 503. */
class PasswordQueueTest {
    private static final LoginLimits ONE_WAITING = LoginLimits.DEFAULTS.withMaxWaitingChecks(1)
        .withRates(1000, Duration.ofMinutes(1), 1000, Duration.ofMinutes(1));

    @TempDir
    Path dataDir;
    SampleFixture app;
    private final CountDownLatch release = new CountDownLatch(1);
    private WorkerExecutor samePool;

    @BeforeEach
    void start() {
        app = new SampleFixture(dataDir, false, ONE_WAITING);
    }

    @AfterEach
    void stop() {
        release.countDown();
        app.close();
    }

    @Test
    void answers503WithRetryAfterAtOnceWhenMoreChecksWouldWaitThanAllowed() throws InterruptedException {
        List<WebClientSession> browsers = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            browsers.add(app.browser());
            tokens.add(csrf(browsers.get(i)));
        }
        occupyThePasswordPool();

        ConcurrentLinkedQueue<HttpResponse<Buffer>> answered = new ConcurrentLinkedQueue<>();
        List<Future<HttpResponse<Buffer>>> logins = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            logins.add(browsers.get(i).post("/login").putHeader("X-CSRF-Token", tokens.get(i))
                .sendJsonObject(new JsonObject().put("username", "alice").put("password", ALICE_PASSWORD))
                .onSuccess(answered::add));
        }

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(answered)
            .as("logins answered while both hashing threads are busy and one check waits").hasSize(1));
        HttpResponse<Buffer> refused = answered.peek();
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.getHeader("Retry-After")).isEqualTo("1");
        assertThat(refused.bodyAsJsonObject().getString("error")).contains("too many password checks");
        release.countDown();
        await(Future.join(new ArrayList<>(logins)));
        assertThat(logins).extracting(f -> f.result().statusCode()).containsExactlyInAnyOrder(503, 200, 200, 200);
    }

    /** Runs two tasks on the app's password pool (a shared pool, found by name) that hold its threads. */
    private void occupyThePasswordPool() throws InterruptedException {
        samePool = app.vertx.createSharedWorkerExecutor(SampleVerticle.PASSWORD_POOL, 2);
        CountDownLatch running = new CountDownLatch(2);
        for (int i = 0; i < 2; i++) {
            samePool.executeBlocking(() -> {
                running.countDown();
                return release.await(30, TimeUnit.SECONDS);
            }, false);
        }
        assertThat(running.await(10, TimeUnit.SECONDS)).as("both password threads taken by the test").isTrue();
    }
}
