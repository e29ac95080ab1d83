package io.execbroker.sample.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.client.ExecClientException;

import java.io.IOException;
import java.net.CookieManager;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/compose as a user runs it ({@code compose.sh up}, then {@code down}), on free ports and a project of its
 * own: a demo user signs in to controller-sample (tokens in the PostgreSQL container), gets a token and runs a
 * session in servertest through the broker container, and the broker's own policy refuses carol's grant.
 */
class DeployComposeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, String> ENV = new java.util.HashMap<>();
    private static int appPort;
    private static int brokerPort;

    @BeforeAll
    static void up() throws IOException {
        appPort = freePort();
        brokerPort = freePort();
        ENV.put("EXEC_BROKER_COMPOSE_PROJECT", "exec-broker-deploy-it-" + UUID.randomUUID().toString().substring(0, 8));
        ENV.put("EXEC_BROKER_COMPOSE_DIR", Commands.ROOT.resolve("target/compose-it").toString());
        ENV.put("EXEC_BROKER_COMPOSE_APP_PORT", String.valueOf(appPort));
        ENV.put("EXEC_BROKER_COMPOSE_BROKER_PORT", String.valueOf(brokerPort));
        compose("up", Duration.ofMinutes(10));
    }

    @AfterAll
    static void down() {
        if (ENV.containsKey("EXEC_BROKER_COMPOSE_PROJECT")) {
            compose("down", Duration.ofMinutes(2));
        }
    }

    @Test
    void aDemoUserSignsInAndRunsHerGrantThroughTheBrokerContainer() throws Exception {
        String token = tokenFor("bob");
        ExecClient client = ExecClient.connect(URI.create("ws://127.0.0.1:" + brokerPort + "/exec"),
            ExecClient.Options.defaults().token(token).command(List.of("ps", "aux"))).get(30, TimeUnit.SECONDS);
        client.stdin().close();
        assertThat(client.exitCode().get(30, TimeUnit.SECONDS)).isZero();
        assertThat(new String(client.stdout().readAllBytes(), StandardCharsets.UTF_8))
            .contains("sleep 2147483647", "ps aux");
    }

    @Test
    void theBrokersPolicyRefusesCarolsGrantWith403() throws Exception {
        String token = tokenFor("carol");
        assertThatThrownBy(() -> ExecClient.connect(URI.create("ws://127.0.0.1:" + brokerPort + "/exec"),
            ExecClient.Options.defaults().token(token).command(List.of("/bin/bash")).tty(true)).get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).cause()
            .isInstanceOfSatisfying(ExecClientException.class, e -> assertThat(e.httpStatus()).isEqualTo(403));
    }

    /** Signs in as {@code user} (password {@code user-demo}) the way the page does, and returns a token for grant 0. */
    private static String tokenFor(String user) throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
            .connectTimeout(Duration.ofSeconds(10)).build();
        String csrf = call(http, HttpRequest.newBuilder(app("/api/me")).GET(), 200).get("csrfToken").asText();
        JsonNode login = call(http, post("/login", csrf, Map.of("username", user, "password", user + "-demo")), 200);
        assertThat(login.get("user").asText()).isEqualTo(user);
        JsonNode token = call(http, post("/api/tokens", login.get("csrfToken").asText(), Map.of("grantIndex", 0)), 200);
        return token.get("token").asText();
    }

    private static HttpRequest.Builder post(String path, String csrf, Map<String, Object> body) throws IOException {
        return HttpRequest.newBuilder(app(path)).header("Content-Type", "application/json").header("X-CSRF-Token", csrf)
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    }

    private static JsonNode call(HttpClient http, HttpRequest.Builder request, int status) throws Exception {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", response.uri(), response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static URI app(String path) {
        return URI.create("http://127.0.0.1:" + appPort + path);
    }

    private static void compose(String command, Duration timeout) {
        System.out.println(Commands.run(timeout, ENV, List.of("deploy/compose/compose.sh", command)).strip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
