package io.execbroker.sample.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.okhttp.OkDockerHttpClient;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.client.ExecClientException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.ByteArrayOutputStream;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/demo.sh --two-hosts}: two real Docker engines (the shared one and the tests' second,
 * {@code deploy/dev/dockerd2-fixture.sh}), a broker on each ({@code host-a}, {@code host-b}) and the app with a
 * {@code --brokers} map. alice's session for {@code servertest-b} is handed host-b's URL and runs in host-b's engine
 * and nowhere else; her token for it presented to host-a is refused by the app (its {@code X-Exec-Broker-Id} is not
 * the token's broker) before any upgrade, and is then spent: host-b refuses it too. Watch tokens are bound alike.
 * In a real headless Chromium, alice's start page watches both brokers' events and her terminal for
 * {@code servertest-b} connects to host-b.
 */
class TwoHostsDemoIT {
    private static final String ENGINE_B = "unix:///var/run/exec-broker-dockerd2.sock";
    private static final String CONTAINER_B = "servertest-b";
    private static final int GRANT_ON_B = 2;

    @TempDir
    static Path demoDir;
    static DemoProcess demo;
    static DockerClient engineB;

    private final HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
        .connectTimeout(Duration.ofSeconds(10)).build();

    @BeforeAll
    static void startDemo() throws Exception {
        demo = DemoProcess.start(demoDir, Map.of(), List.of("--two-hosts"));
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(ENGINE_B).build();
        engineB = DockerClientImpl.getInstance(config,
            new OkDockerHttpClient.Builder().dockerHost(config.getDockerHost()).build());
    }

    @AfterAll
    static void stopDemo() throws Exception {
        try {
            if (demo != null) {
                assertThat(demo.interrupt()).as("demo.sh's exit status after Ctrl-C").isZero();
            }
        } finally {
            if (engineB != null) {
                engineB.close();
            }
        }
    }

    @Test
    void alicesSessionOnHostBIsHandedHostBsUrlAndRunsThereOnly() throws Exception {
        String csrf = signIn();
        JsonObject me = get("/api/me");
        assertThat(me.getJsonArray("brokers")).isEqualTo(new JsonArray().add("host-a").add("host-b"));
        assertThat(me.getJsonArray("grants").getJsonObject(GRANT_ON_B).getString("container")).isEqualTo(CONTAINER_B);
        long createdOnA = execsCreated(demo.opsPort);
        long createdOnB = execsCreated(demo.ops2Port);
        ensureContainerBRuns();

        JsonObject issued = token(csrf, GRANT_ON_B);
        assertThat(issued.getString("broker")).isEqualTo("host-b");
        assertThat(issued.getString("brokerUrl")).isEqualTo("ws://127.0.0.1:" + demo.broker2Port + "/exec");
        ExecClient session = ExecClient.connect(URI.create(issued.getString("brokerUrl")), ExecClient.Options
            .defaults().token(issued.getString("token")).command(List.of("/bin/sh")).tty(true)).get(30, TimeUnit.SECONDS);
        session.stdin().write("hostname; exit 3\n".getBytes(StandardCharsets.UTF_8));
        session.stdin().flush();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        session.stdout().transferTo(out);

        assertThat(session.exitCode().get(30, TimeUnit.SECONDS)).isEqualTo(3);
        String idOnB = engineB.inspectContainerCmd(CONTAINER_B).exec().getId();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(idOnB.substring(0, 12));
        assertThat(execsCreated(demo.ops2Port)).as("host-b created one exec").isEqualTo(createdOnB + 1);
        assertThat(execsCreated(demo.opsPort)).as("host-a created none").isEqualTo(createdOnA);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit("audit-b.jsonl"))
            .anySatisfy(line -> assertThat(line).contains("\"subject\":\"alice\"").contains(CONTAINER_B)));
    }

    @Test
    void aTokenForHostBPresentedToHostAIsRefusedBeforeTheUpgradeAndThenSpent() throws Exception {
        String csrf = signIn();
        long createdOnA = execsCreated(demo.opsPort);
        long createdOnB = execsCreated(demo.ops2Port);
        JsonObject issued = token(csrf, GRANT_ON_B);
        ExecClient.Options options = ExecClient.Options.defaults().token(issued.getString("token"))
            .command(List.of("/bin/sh")).tty(true);

        assertThat(refusal(URI.create("ws://127.0.0.1:" + demo.brokerPort + "/exec"), options)).isEqualTo(403);
        assertThat(refusal(URI.create(issued.getString("brokerUrl")), options)).as("spent at host-a").isEqualTo(403);

        assertThat(execsCreated(demo.opsPort)).isEqualTo(createdOnA);
        assertThat(execsCreated(demo.ops2Port)).isEqualTo(createdOnB);
        for (String log : List.of("audit.jsonl", "audit-b.jsonl")) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(audit(log)).anySatisfy(line ->
                assertThat(line).contains("\"outcome\":\"denied\",\"status\":403,\"reason\":\"the controller"
                    + " refused the token (403)\"")));
        }
    }

    @Test
    void aWatchTokenForHostBOpensHostBsEventsAndIsRefusedByHostA() throws Exception {
        String csrf = signIn();

        JsonObject forB = watchToken(csrf, "host-b");
        assertThat(forB.getString("eventsUrl")).isEqualTo("ws://127.0.0.1:" + demo.broker2Port + "/events");
        WebSocket watch = http.newWebSocketBuilder().header("Authorization", "Bearer " + forB.getString("token"))
            .buildAsync(URI.create(forB.getString("eventsUrl")), new WebSocket.Listener() { })
            .get(30, TimeUnit.SECONDS);
        watch.sendClose(WebSocket.NORMAL_CLOSURE, "").get(10, TimeUnit.SECONDS);

        JsonObject another = watchToken(csrf, "host-b");
        assertThatThrownBy(() -> http.newWebSocketBuilder().header("Authorization", "Bearer "
            + another.getString("token")).buildAsync(URI.create("ws://127.0.0.1:" + demo.brokerPort + "/events"),
            new WebSocket.Listener() { }).join()).hasCauseInstanceOf(WebSocketHandshakeException.class)
            .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                .isEqualTo(403));
    }

    @Test
    void inChromiumAlicesPageWatchesBothBrokersAndHerShellInServertestBRunsOnHostB(TestInfo test) throws Exception {
        ensureContainerBRuns();
        String idOnB = engineB.inspectContainerCmd(CONTAINER_B).exec().getId();
        BrowserSession browser = BrowserSession.open(demo);
        try {
            SamplePages pages = browser.pages;
            pages.signIn("alice", "alice-demo");
            assertThat(pages.awaitEventsState("events-status", "connected")).isEqualTo("host-a: Connected");
            assertThat(pages.awaitEventsState("events-status-1", "connected")).isEqualTo("host-b: Connected");
            String exec = engineB.execCreateCmd(CONTAINER_B).withCmd("true").exec().getId();
            engineB.execStartCmd(exec).withDetach(true).exec(new ResultCallback.Adapter<>()).awaitCompletion(30,
                TimeUnit.SECONDS);
            assertThat(pages.awaitEventLine(CONTAINER_B, "exec_start")).contains(CONTAINER_B);

            pages.openTerminal(GRANT_ON_B);
            pages.awaitState("running");
            assertThat(pages.sessionUrl()).startsWith("ws://127.0.0.1:" + demo.broker2Port + "/exec?");
            pages.typeLine("hostname");
            pages.awaitTerminalLine(idOnB.substring(0, 12));
            pages.typeLine("exit 4");

            assertThat(pages.awaitState("exited")).isEqualTo("Process exited with code 4");
        } finally {
            browser.close(test);
        }
    }

    private JsonObject watchToken(String csrf, String broker) throws Exception {
        HttpResponse<String> response = http.send(post("/api/tokens", csrf, new JsonObject().put("purpose", "events")
            .put("broker", broker)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private static int refusal(URI broker, ExecClient.Options options) {
        Throwable[] failure = new Throwable[1];
        assertThatThrownBy(() -> ExecClient.connect(broker, options).join()).isInstanceOf(CompletionException.class)
            .satisfies(e -> failure[0] = e.getCause());
        assertThat(failure[0]).isInstanceOf(ExecClientException.class);
        return ((ExecClientException) failure[0]).httpStatus();
    }

    /**
     * The execs the broker whose ops port is {@code opsPort} created, from its metrics: Docker forgets an exec soon
     * after it exited, so the container's exec list cannot count a session that ended.
     */
    private long execsCreated(int opsPort) throws Exception {
        HttpResponse<String> metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + opsPort
            + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        return metrics.body().lines()
            .filter(line -> line.startsWith("exec_broker_docker_api_duration_seconds_count{")
                && line.contains("operation=\"exec_create\""))
            .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * Starts {@code servertest-b} if it is not running: the second engine is shared with the tests that stop and
     * start it (DockerFaultsIT, EventsRestartIT), and its containers stop with it (no restart policy).
     */
    private static void ensureContainerBRuns() {
        if (!Boolean.TRUE.equals(engineB.inspectContainerCmd(CONTAINER_B).exec().getState().getRunning())) {
            engineB.startContainerCmd(CONTAINER_B).exec();
        }
    }

    private static List<String> audit(String file) throws Exception {
        Path log = demo.dir.resolve(file);
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** Signs alice in as the page does; returns the session's CSRF token. */
    private String signIn() throws Exception {
        String before = get("/api/me").getString("csrfToken");
        HttpResponse<String> login = http.send(post("/login", before, new JsonObject().put("username", "alice")
            .put("password", "alice-demo")), HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        return new JsonObject(login.body()).getString("csrfToken");
    }

    private JsonObject token(String csrf, int grantIndex) throws Exception {
        HttpResponse<String> response = http.send(post("/api/tokens", csrf, new JsonObject().put("grantIndex",
            grantIndex)), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private JsonObject get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(demo.appUrl()).resolve(path))
            .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return new JsonObject(response.body());
    }

    private static HttpRequest post(String path, String csrf, JsonObject body) {
        return HttpRequest.newBuilder(URI.create(demo.appUrl()).resolve(path)).header("Content-Type",
            "application/json").header("X-CSRF-Token", csrf).POST(HttpRequest.BodyPublishers.ofString(body.encode()))
            .build();
    }
}
