package io.execbroker.sample.browser;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.chrome.ChromeDriver;

/** One headless Chromium on the demo's pages for one test, closed with a screenshot named after the test. */
final class BrowserSession {
    private static final Path SCREENSHOTS = Path.of("target", "browser");

    private final ChromeDriver driver;
    final SamplePages pages;

    private BrowserSession(ChromeDriver driver, SamplePages pages) {
        this.driver = driver;
        this.pages = pages;
    }

    /** Starts Chromium with {@code arguments} (switches of its own, like a pinned certificate) on the demo's app. */
    static BrowserSession open(DemoProcess demo, String... arguments) {
        ChromeDriver driver = HeadlessChromium.start(arguments);
        return new BrowserSession(driver, new SamplePages(driver, demo.appUrl()));
    }

    /** Keeps a screenshot in {@code target/browser/<test>.png}, then quits the browser. */
    void close(TestInfo test) throws IOException {
        try {
            pages.screenshot(SCREENSHOTS.resolve(test.getTestMethod().orElseThrow().getName() + ".png"));
        } finally {
            driver.quit();
        }
    }
}
