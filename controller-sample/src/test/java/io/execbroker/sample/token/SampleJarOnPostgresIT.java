package io.execbroker.sample.token;

import static io.execbroker.sample.SampleFixture.ALICE_PASSWORD;
import static io.execbroker.sample.SampleFixture.BROKER_SECRET;
import static io.execbroker.sample.SampleFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.execbroker.sample.SampleFixture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.client.WebClientSession;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as an operator runs it, {@code java -jar controller-sample.jar --jdbc-url jdbc:postgresql://…}: alice
 * signs in, gets a token that lands in PostgreSQL, and the broker redeems it once. Nothing it prints holds the password.
 */
class SampleJarOnPostgresIT {
    private static final Path JAR = Path.of("target/controller-sample.jar");
    private static final Pattern LISTENING = Pattern.compile("controller-sample listening on 127\\.0\\.0\\.1:(\\d+) ");

    @TempDir
    Path dir;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final Vertx vertx = Vertx.vertx();
    private String schema;
    private String jdbcUrl;
    private Process process;
    /** Kept in a field: in Vert.x 5 unreachable clients get cleaned up. */
    private WebClient client;

    @BeforeEach
    void startJar() throws Exception {
        assertThat(JAR).as("%s, built by package (./mvnw verify builds it before this test)", JAR).exists();
        schema = TestPostgres.createSchema();
        jdbcUrl = TestPostgres.urlFor(schema);
        Path users = Files.writeString(dir.resolve("users.json"), SampleFixture.usersJson());
        Path secret = Files.writeString(dir.resolve("broker-secret"), BROKER_SECRET + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        process = new ProcessBuilder(java, "-jar", JAR.toString(), "--listen", "127.0.0.1:0", "--users", users.toString(),
            "--broker-secret-file", secret.toString(), "--jdbc-url", jdbcUrl).redirectErrorStream(true).start();
        Thread reader = new Thread(this::readOutput, "sample-jar-output");
        reader.setDaemon(true);
        reader.start();
        int appPort;
        try {
            appPort = port.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("the jar did not start listening:\n" + String.join("\n", output), e);
        }
        client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(appPort));
    }

    @AfterEach
    void stopJar() throws Exception {
        if (process != null) {
            process.destroy();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the jar stops on SIGTERM").isTrue();
        }
        await(vertx.close());
        TestPostgres.dropSchema(schema);
        assertThat(String.join("\n", output)).as("the jar's output").doesNotContain(password(jdbcUrl));
    }

    @Test
    void storesAliceTokenInPostgresqlAndRedeemsItOnce() {
        WebClientSession browser = WebClientSession.create(client);
        String csrf = SampleFixture.signIn(browser, "alice", ALICE_PASSWORD);
        String token = SampleFixture.requestToken(browser, csrf, new JsonObject().put("grantIndex", 0))
            .bodyAsJsonObject().getString("token");
        assertThat(tokenRows()).as("token rows in PostgreSQL after issuing").isEqualTo(1);

        HttpResponse<Buffer> first = await(redeem(token));
        HttpResponse<Buffer> second = await(redeem(token));

        assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(200);
        assertThat(first.bodyAsJsonObject().getString("subject")).isEqualTo("alice");
        assertThat(second.statusCode()).isEqualTo(403);
        assertThat(tokenRows()).as("token rows in PostgreSQL after redeeming").isZero();
    }

    private Future<HttpResponse<Buffer>> redeem(String token) {
        return client.get("/controller").addQueryParam("token", token).bearerTokenAuthentication(BROKER_SECRET).send();
    }

    private int tokenRows() {
        DataSource source = Databases.open(jdbcUrl);
        try (Connection c = source.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM exec_tokens")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new AssertionError("counting tokens in schema " + schema + " failed", e);
        }
    }

    private static String password(String url) {
        Matcher m = Pattern.compile("password=([^&]+)").matcher(url);
        assertThat(m.find()).as("a password in the test server's URL").isTrue();
        return m.group(1);
    }

    private void readOutput() {
        try (BufferedReader lines = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                output.add(line);
                Matcher m = LISTENING.matcher(line);
                if (m.find()) {
                    port.complete(Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            output.add("(reading the output failed: " + e + ")");
        }
        port.completeExceptionally(new IllegalStateException("the jar ended before it listened"));
    }
}
