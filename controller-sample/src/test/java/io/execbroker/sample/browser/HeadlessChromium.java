package io.execbroker.sample.browser;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.time.Duration;
import java.util.logging.Level;

import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** Debian's chromium through Debian's chromedriver (deploy/dev/browser-fixture.sh), never a downloaded browser. */
final class HeadlessChromium {
    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");

    private HeadlessChromium() {
    }

    /** Starts a browser with a fresh profile; {@code arguments} are more Chromium switches, after the usual ones. */
    static ChromeDriver start(String... arguments) {
        assertThat(CHROMIUM).as("chromium: run deploy/dev/setup.sh (or deploy/dev/browser-fixture.sh)").canRead();
        assertThat(CHROMEDRIVER.toPath()).as("chromedriver: run deploy/dev/setup.sh (or deploy/dev/browser-fixture.sh)")
            .isExecutable();
        ChromeOptions options = new ChromeOptions()
            .setBinary(CHROMIUM)
            // --no-sandbox: tests run as root here, where Chromium's sandbox refuses to start.
            .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-extensions", "--no-first-run", "--window-size=1100,760")
            .addArguments(arguments);
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL); // the console, for SamplePages.consoleMessages()
        options.setCapability(ChromeOptions.LOGGING_PREFS, logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER)
            .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }
}
