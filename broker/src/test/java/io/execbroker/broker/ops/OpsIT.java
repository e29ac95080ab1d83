package io.execbroker.broker.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.execbroker.broker.config.BrokerSettings;
import io.execbroker.broker.testing.BrokerHarness;
import io.execbroker.broker.testing.RawHandshake;
import io.execbroker.broker.testing.SecondEngine;
import io.execbroker.protocol.client.ExecClient;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ops listener of a real broker on a real engine: metrics that move with real sessions, and the probes. */
class OpsIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private BrokerHarness harness;
    private OpsServer ops;

    private void start(BrokerHarness broker) throws Exception {
        harness = broker;
        ops = OpsServer.start(broker.vertx(), "127.0.0.1", 0, broker.broker().metrics(), broker.broker().readiness())
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() throws Exception {
        if (ops != null) {
            ops.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
        if (harness != null) {
            harness.close();
        }
        SecondEngine.ensureStarted();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ops.port() + path))
            .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private Scrape scrape() throws IOException, InterruptedException {
        HttpResponse<String> response = get("/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        return new Scrape(response.body());
    }

    private static int exit(ExecClient client) {
        return client.exitCode().orTimeout(30, TimeUnit.SECONDS).join();
    }

    @Test
    void theCountersMoveByWhatRealSessionsDid() throws Exception {
        start(BrokerHarness.start(BrokerSettings.defaults().withPort(0).withHandshake(BrokerHarness.LENIENT_HANDSHAKES),
            BrokerHarness.GRANT_REQUESTED));
        Scrape before = scrape();
        assertThat(before.value("exec_broker_sessions_open")).isZero();

        ExecClient cat = harness.exec("cat");
        cat.stdin().write("hello\n".getBytes(StandardCharsets.UTF_8));
        cat.stdin().close();
        assertThat(new String(cat.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello\n");
        assertThat(exit(cat)).isZero();
        assertThat(exit(harness.exec("sh", "-c", "exit 3"))).isEqualTo(3);
        assertThat(exit(harness.exec("sh", "-c", "kill -9 $$"))).isEqualTo(137);
        // A handshake the authorizer refuses (no command asked for), and one for a path the broker does not serve.
        assertThat(RawHandshake.send(harness.port(), "/exec")).startsWith("HTTP/1.1 400 ");
        // A session the client leaves: the broker tears its process down (TERM is enough for sleep).
        ExecClient sleeper = harness.exec("sleep", "600");
        sleeper.started().get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(20)).until(() -> scrape().value("exec_broker_sessions_open") == 1);
        sleeper.abort();

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Scrape after = scrape();
            assertThat(after.value("exec_broker_teardowns_total", "result", "killed_after_term")).isEqualTo(1);
            assertThat(after.value("exec_broker_sessions_ended_total")).isEqualTo(4);
        });
        Scrape after = scrape();
        // Kept for a reader of the build: what an operator's scraper gets after these sessions.
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "metrics-after-sessions.txt"), after.text);
        assertThat(after.value("exec_broker_handshakes_total", "route", "exec", "status", "101")).isEqualTo(4);
        assertThat(after.value("exec_broker_handshakes_total", "route", "exec", "status", "400")).isEqualTo(1);
        assertThat(after.value("exec_broker_sessions_ended_total", "close_code", "1000")).isEqualTo(3);
        assertThat(after.value("exec_broker_exit_codes_total", "code", "0")).isEqualTo(1);
        assertThat(after.value("exec_broker_exit_codes_total", "code", "1-125")).isEqualTo(1);
        assertThat(after.value("exec_broker_exit_codes_total", "code", "128+9")).isEqualTo(1);
        assertThat(after.value("exec_broker_stdin_bytes_total")).isEqualTo(6);
        assertThat(after.value("exec_broker_output_bytes_total")).isEqualTo(6);
        assertThat(after.value("exec_broker_session_duration_seconds_count")).isEqualTo(4);
        assertThat(after.value("exec_broker_sessions_open")).isZero();
        assertThat(after.value("exec_broker_authorization_duration_seconds_count", "outcome", "granted")).isEqualTo(4);
        assertThat(after.value("exec_broker_authorization_duration_seconds_count", "outcome", "400")).isEqualTo(1);
        assertThat(after.value("exec_broker_docker_api_duration_seconds_count", "operation", "exec_create")).isEqualTo(4);
        assertThat(after.value("exec_broker_docker_api_duration_seconds_count", "operation", "exec_inspect")).isPositive();
        assertThat(after.value("exec_broker_teardown_duration_seconds_count")).isEqualTo(1);
        // Where setup time went: every step of the four sessions; the exit code of the three that exited.
        for (String step : List.of("authorize", "policy", "upgrade", "exec_create", "exec_start")) {
            assertThat(after.value("exec_broker_setup_step_duration_seconds_count", "step", step)).as(step).isEqualTo(4);
            assertThat(after.value("exec_broker_setup_step_duration_seconds_sum", "step", step)).as(step).isPositive();
        }
        assertThat(after.value("exec_broker_setup_step_duration_seconds_count", "step", "exit_code")).isEqualTo(3);
        assertThat(after.has("jvm_memory_used_bytes")).isTrue();
        assertThat(after.has("process_files_open_files")).isTrue();
        // No label carries what a client chose: no argv, no subject, no token.
        assertThat(after.text).doesNotContain("sleep").doesNotContain("hello").doesNotContain("\"test\"");
    }

    @Test
    void theProbesAndMetricsAreNotOnTheWebSocketPortAndEveryOtherPathIsAJson404() throws Exception {
        start(BrokerHarness.start(BrokerSettings.defaults().withPort(0), BrokerHarness.GRANT_REQUESTED));
        for (String path : new String[] {"/metrics", "/healthz", "/readyz"}) {
            assertThat(RawHandshake.send(harness.port(), path)).as(path).startsWith("HTTP/1.1 404 ");
        }
        HttpResponse<String> other = get("/exec");
        assertThat(other.statusCode()).isEqualTo(404);
        assertThat(other.body()).contains("\"error\":\"not found (this listener serves /metrics, /healthz and /readyz)\"");
        assertThat(get("/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
    }

    @Test
    void readinessIs503NamingDockerWhileItsEngineIsStoppedAnd200OnceItIsBack() throws Exception {
        SecondEngine.ensureStarted();
        start(BrokerHarness.start(BrokerSettings.defaults().withPort(0), BrokerHarness.GRANT_REQUESTED,
            record -> { }, SecondEngine.config()));
        HttpResponse<String> ready = get("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("{\"status\":\"ready\",\"checks\":{\"docker\":\"ok\",\"authorizer\":\"ok\"}}");

        SecondEngine.stop();
        HttpResponse<String> down = get("/readyz");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body()).startsWith("{\"status\":\"not ready\",\"checks\":{\"docker\":\"Docker ")
            .contains("\"authorizer\":\"ok\"");
        assertThat(get("/healthz").statusCode()).as("the process still serves").isEqualTo(200);

        SecondEngine.start();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(get("/readyz").statusCode()).isEqualTo(200));
    }
}
