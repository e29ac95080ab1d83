package io.execbroker.sample.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The terminal over {@code wss://}, in a real headless Chromium: {@code deploy/demo.sh} with {@code DEMO_TLS_CERT}
 * and {@code DEMO_TLS_KEY} runs the broker with TLS to clients, and the app hands the page a {@code wss://} URL. The
 * browser trusts the broker's certificate only by its pinned key ({@code --ignore-certificate-errors-spki-list}), not
 * by turning certificate checks off: a browser without the pin cannot open the session. Screenshots end up in
 * {@code target/browser/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTlsIT {
    @TempDir
    static Path demoDir;
    @TempDir
    static Path certDir;
    static TestCertificates.Issued brokerCert;
    static DemoRun run;
    static DemoProcess demo;
    static FixtureExecs execs;

    BrowserSession browser;
    SamplePages pages;

    @BeforeAll
    static void startDemoWithTls() throws Exception {
        TestCertificates.Issued ca = TestCertificates.ca("browser-tls-test-ca");
        brokerCert = TestCertificates.server(ca, "broker");
        Path cert = brokerCert.writeCert(certDir.resolve("broker-cert.pem"));
        Path key = brokerCert.writeKey(certDir.resolve("broker-key.pem"));
        run = DemoRun.start(demoDir, Map.of("DEMO_TLS_CERT", cert.toString(), "DEMO_TLS_KEY", key.toString()));
        demo = run.demo;
        execs = run.execs;
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @AfterEach
    void closeBrowser(TestInfo test) throws IOException {
        if (browser != null) {
            browser.close(test);
        }
    }

    @Test
    @Order(1)
    void aBrowserThatDoesNotTrustTheBrokersCertificateCannotOpenTheSessionAndNothingIsAccepted() throws Exception {
        Set<String> execsBefore = execs.ids();
        int acceptedBefore = acceptedRecords().size();
        openBrowser();
        pages.signIn("alice", "alice-demo");

        pages.openTerminal(0);

        // A browser tells the page of a failed TLS handshake as it does of a refusal (1006, never opened); only its
        // console says why.
        assertThat(pages.awaitState("refused")).startsWith("The broker refused the connection");
        assertThat(pages.sessionUrl()).startsWith(brokerUrl());
        assertThat(pages.consoleMessages()).as("the browser console").anySatisfy(message -> assertThat(message)
            .contains("WebSocket connection to '" + brokerUrl()).contains("ERR_CERT_AUTHORITY_INVALID"));
        assertThat(execs.ids()).as("no exec was created in %s", FixtureExecs.CONTAINER).isSubsetOf(execsBefore);
        assertThat(acceptedRecords()).as("the broker accepted no session (TLS failed before HTTP)")
            .hasSize(acceptedBefore);
    }

    @Test
    @Order(2)
    void aliceRunsACommandOverWssWithTheBrokersCertificatePinned() throws Exception {
        openBrowser("--ignore-certificate-errors-spki-list=" + brokerCert.spkiSha256());
        pages.signIn("alice", "alice-demo");

        pages.openTerminal(0);
        pages.awaitState("running");
        pages.typeLine("echo tls-$RANDOM-marker");
        pages.awaitTerminalLine("tls-\\d+-marker"); // the shell's output line: $RANDOM expanded
        String url = pages.sessionUrl();
        pages.typeLine("exit 0");

        assertThat(pages.awaitState("exited")).isEqualTo("Process exited with code 0");
        assertThat(url).as("the URL the page's WebSocket opened").startsWith(brokerUrl() + "?");
        assertThat(Files.readString(demo.brokerLog())).as("broker.log").contains("TLS to clients with");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(acceptedRecords())
            .as("audit.jsonl: alice's exec session accepted").anySatisfy(line -> assertThat(line)
                .contains("\"reason\":\"upgraded\"").contains("\"subject\":\"alice\"")));
    }

    private void openBrowser(String... arguments) {
        browser = BrowserSession.open(demo, arguments);
        pages = browser.pages;
    }

    private static String brokerUrl() {
        return "wss://127.0.0.1:" + demo.brokerPort + "/exec";
    }

    /** The audit log's {@code accepted} lines: exec sessions and event watches that got past the handshake. */
    private static List<String> acceptedRecords() throws IOException {
        if (!Files.exists(demo.auditLog())) {
            return List.of();
        }
        return Files.readAllLines(demo.auditLog()).stream().filter(line -> line.contains("\"outcome\":\"accepted\""))
            .toList();
    }
}
