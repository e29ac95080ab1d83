package io.execbroker.sample.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo as a person uses it, in a real headless Chromium: {@code deploy/demo.sh} starts the real broker and
 * controller-sample against the real Docker fixture; the browser signs in, opens a terminal and types. Screenshots
 * of every test end up in {@code target/browser/}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrowserTerminalIT {
    @TempDir
    static Path demoDir;
    static DemoRun run;
    static DemoProcess demo;
    static FixtureExecs execs;

    BrowserSession browser;
    SamplePages pages;

    @BeforeAll
    static void startDemo() throws Exception {
        run = DemoRun.start(demoDir, Map.of());
        demo = run.demo;
        execs = run.execs;
    }

    @AfterAll
    static void stopDemo() throws Exception {
        if (run != null) {
            run.close();
        }
    }

    @BeforeEach
    void openBrowser() {
        browser = BrowserSession.open(demo);
        pages = browser.pages;
    }

    @AfterEach
    void closeBrowser(TestInfo test) throws IOException {
        browser.close(test);
    }

    @Test
    @Order(1)
    void aliceOpensAShellTypesAndSeesTheExitStatus() {
        pages.signIn("alice", "alice-demo");
        assertThat(pages.grantRows()).first().asString().contains("servertest", "/bin/sh", "yes", "Open terminal");

        pages.openTerminal(0);
        pages.awaitState("running");
        pages.typeLine("echo hello-$RANDOM");
        String echoed = pages.awaitTerminalLine("hello-\\d+");
        String size = pages.resizeWindow(700, 420);
        pages.typeLine("stty size");
        pages.awaitTerminalLine(size); // the window's new size reached the process's tty
        pages.typeLine("exit 7");

        assertThat(pages.awaitState("exited")).isEqualTo("Process exited with code 7");
        assertThat(echoed).as("the shell expanded $RANDOM").doesNotContain("$");
        assertThat(pages.terminalLines()).anySatisfy(line -> assertThat(line).contains("process exited with code 7"));
    }

    @Test
    @Order(2)
    void bobRunsPsWithoutATtyAndItsExitCodeZeroIsShown() {
        pages.signIn("bob", "bob-demo");
        assertThat(pages.grantRows()).singleElement().asString().contains("ps aux", "no");

        pages.openTerminal(0);

        assertThat(pages.awaitState("exited")).isEqualTo("Process exited with code 0");
        assertThat(pages.terminalLines()).anySatisfy(line -> assertThat(line).contains("PID").contains("COMMAND"));
    }

    @Test
    @Order(3)
    void carolsGrantIsRefusedByTheBrokersPolicyAndNothingRuns() throws Exception {
        Set<String> execsBefore = execs.ids();
        pages.signIn("carol", "carol-demo");

        pages.openTerminal(0);

        assertThat(pages.awaitState("refused")).startsWith("The broker refused the connection");
        assertThat(execs.ids()).as("no exec was created in %s", FixtureExecs.CONTAINER).isSubsetOf(execsBefore);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(demo.auditLog()))
            .contains("\"outcome\":\"denied\",\"status\":403,\"reason\":\"command [/bin/bash] matches no allowed")
            .contains("\"subject\":\"carol\""));
    }

    @Test
    @Order(4)
    void bobAskingForAGrantHeDoesNotHaveIsToldSoAndNothingRuns() {
        Set<String> execsBefore = execs.ids();
        pages.signIn("bob", "bob-demo");

        pages.visitTerminal(1);

        assertThat(pages.awaitState("refused")).startsWith("Not allowed: grantIndex: 1");
        assertThat(execs.ids()).as("no exec was created in %s", FixtureExecs.CONTAINER).isSubsetOf(execsBefore);
    }

    @Test
    @Order(5)
    void signingOutEndsTheSessionAndTheTerminalPageAsksToSignIn() {
        pages.signIn("alice", "alice-demo");

        pages.signOut();
        pages.visitTerminal(0);

        assertThat(pages.awaitState("refused")).startsWith("You are not signed in.");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void ctrlCStopsTheBrokerAndTheAppAndAnOpenTerminalSaysSo() throws Exception {
        pages.signIn("alice", "alice-demo");
        pages.openTerminal(0);
        pages.awaitState("running");

        int status = demo.interrupt();

        assertThat(status).as("demo.sh exit status; output:%n%s", demo.output()).isZero();
        assertThat(demo.output()).contains("demo: stopped");
        assertThat(listening(demo.appPort)).as("controller-sample stopped").isFalse();
        assertThat(listening(demo.brokerPort)).as("the broker stopped").isFalse();
        assertThat(pages.awaitState("closed")).startsWith("The broker is stopping; the process was stopped (1001");
        assertThat(pages.terminalLines()).anySatisfy(line -> assertThat(line).contains("[the broker is stopping]"));
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
