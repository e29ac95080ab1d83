package io.execbroker.sample.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The events panel of the start page in a real headless Chromium, against {@code deploy/demo.sh}'s real broker and
 * Docker: the signed-in user's list shows the events of her container, and no event of a container she holds no
 * grant for. Screenshots end up in {@code target/browser/}.
 */
class BrowserEventsIT {
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
    void alicesListShowsTheExecStartOfHerContainerAndNothingOfAContainerSheHasNoGrantFor() throws Exception {
        pages.signIn("alice", "alice-demo");
        assertThat(pages.awaitEventsState("connected")).isEqualTo("Connected");

        String other;
        try (ThrowawayContainer container = ThrowawayContainer.runOnce(execs.docker())) {
            other = container.name; // started and died (exit 3) before the exec below
        }
        execs.run("/bin/sh", "-c", "exit 0");

        String line = pages.awaitEventLine(FixtureExecs.CONTAINER, "exec_start");
        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} servertest exec_start")
            .as("what followed the colon of exec_start (the command) is not shown").doesNotContain("sh -c");
        // Docker's events reach a watcher in order: the other container's came before the exec_start shown.
        assertThat(pages.eventLines()).allSatisfy(event -> assertThat(event.container())
            .isEqualTo(FixtureExecs.CONTAINER)).noneSatisfy(event -> assertThat(event.text()).contains(other));
        // The broker got alice's scope from the controller's purpose=events answer: her grants' one container.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(Files.readString(demo.auditLog()))
            .contains("\"reason\":\"watching events\"").contains("\"subject\":\"alice\",\"events\":"
                + "{\"containers\":[\"servertest\"],\"labels\":[],\"types\":[\"container\"]}"));
    }

    @Test
    void bobsListConnectsWithTheScopeOfHisGrant() {
        pages.signIn("bob", "bob-demo");

        assertThat(pages.awaitEventsState("connected")).isEqualTo("Connected");
        assertThat(pages.eventLines()).allSatisfy(event -> assertThat(event.container())
            .isEqualTo(FixtureExecs.CONTAINER));
    }
}
