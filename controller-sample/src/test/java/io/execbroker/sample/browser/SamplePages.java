package io.execbroker.sample.browser;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** What a person does on controller-sample's pages (index.html and its events panel, terminal.html), and what they see. */
final class SamplePages {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Every line of xterm's buffer, as text (window.execSession is set by terminal.js). */
    private static final String TERMINAL_LINES = """
        const buffer = window.execSession.term.buffer.active;
        const lines = [];
        for (let i = 0; i < buffer.length; i++) {
          lines.push(buffer.getLine(i).translateToString(true));
        }
        return lines;""";

    private static final String EVENT_LINES = """
        return [...document.querySelectorAll('#events li')].map((li) => ({
          text: li.textContent.trim(), container: li.dataset.container, action: li.dataset.action }));""";

    private final ChromeDriver driver;
    private final String appUrl;

    SamplePages(ChromeDriver driver, String appUrl) {
        this.driver = driver;
        this.appUrl = appUrl;
    }

    /** Opens the start page (signed out: a fresh browser profile per test) and signs in through the form. */
    void signIn(String user, String password) {
        driver.get(appUrl);
        WebElement form = waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
        form.findElement(By.name("username")).sendKeys(user);
        form.findElement(By.name("password")).sendKeys(password);
        form.findElement(By.cssSelector("button[type=submit]")).click();
        waitFor(ExpectedConditions.textToBe(By.id("username"), user));
    }

    /** Clicks "Sign out" on the start page and waits for the login form. */
    void signOut() {
        driver.findElement(By.cssSelector("#account button[type=submit]")).click();
        waitFor(ExpectedConditions.visibilityOfElementLocated(By.id("login")));
    }

    /** The signed-in user's grants table: one row per grant, its cells' text. */
    List<String> grantRows() {
        return driver.findElements(By.cssSelector("#grants tbody tr")).stream().map(WebElement::getText).toList();
    }

    /** Clicks "Open terminal" in row {@code index} of the grants table. */
    void openTerminal(int index) {
        driver.findElements(By.cssSelector("#grants tbody tr")).get(index).findElement(By.linkText("Open terminal"))
            .click();
        waitFor(ExpectedConditions.urlContains("/terminal.html"));
    }

    /** Goes to the terminal page for a grant index straight from the address bar. */
    void visitTerminal(int grantIndex) {
        driver.get(appUrl + "terminal.html?grant=" + grantIndex);
    }

    /** Waits until the status line's data-state is {@code state} (running, exited, refused, ...). */
    String awaitState(String state) {
        By status = By.id("status");
        waitFor(ExpectedConditions.attributeToBe(status, "data-state", state));
        return driver.findElement(status).getText();
    }

    /** Waits until the events panel's status line's data-state is {@code state} (connected, reconnecting, ...). */
    String awaitEventsState(String state) {
        return awaitEventsState("events-status", state);
    }

    /** The same for the status line with this id (a fleet's start page has one per broker: events-status-1, ...). */
    String awaitEventsState(String id, String state) {
        By status = By.id(id);
        waitFor(ExpectedConditions.attributeToBe(status, "data-state", state));
        return driver.findElement(status).getText();
    }

    /** Waits until the events list shows a line for {@code action} of {@code container}; returns its text. */
    String awaitEventLine(String container, String action) {
        return waitFor(d -> eventLines().stream()
            .filter(line -> line.container().equals(container) && line.action().equals(action))
            .map(EventLine::text).findFirst().orElse(null));
    }

    /** One line of the events list: its text, and the container and action it is for (newest first). */
    record EventLine(String text, String container, String action) {
    }

    /** Reads the list in one script, so that a line added meanwhile cannot leave a stale element behind. */
    @SuppressWarnings("unchecked")
    List<EventLine> eventLines() {
        List<Map<String, String>> lines = (List<Map<String, String>>) ((JavascriptExecutor) driver).executeScript(
            EVENT_LINES);
        return lines.stream().map(l -> new EventLine(l.get("text"), l.get("container"), l.get("action"))).toList();
    }

    /** Types into the terminal as a person does (key events into xterm's textarea), then Enter. */
    void typeLine(String text) {
        WebElement input = driver.findElement(By.cssSelector("#terminal .xterm-helper-textarea"));
        input.sendKeys(text);
        input.sendKeys(Keys.ENTER);
    }

    /** Waits until some line of the terminal matches {@code regex} in full; returns that line. */
    String awaitTerminalLine(String regex) {
        return waitFor(d -> terminalLines().stream().filter(line -> line.strip().matches(regex)).findFirst()
            .orElse(null));
    }

    /** Resizes the browser window and waits until xterm has a new size; returns it as "rows cols", like stty size. */
    String resizeWindow(int width, int height) {
        String before = terminalSize();
        driver.manage().window().setSize(new Dimension(width, height));
        return waitFor(d -> {
            String now = terminalSize();
            return now.equals(before) ? null : now;
        });
    }

    /** The URL the page's exec client opened its WebSocket with (window.execSession.client.url, set by terminal.js). */
    String sessionUrl() {
        return (String) ((JavascriptExecutor) driver).executeScript("return window.execSession.client.url;");
    }

    String terminalSize() {
        return (String) ((JavascriptExecutor) driver).executeScript(
            "const t = window.execSession.term; return t.rows + ' ' + t.cols;");
    }

    @SuppressWarnings("unchecked")
    List<String> terminalLines() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript(TERMINAL_LINES);
    }

    /** The browser console's messages since the last call, like a WebSocket's connection error with its net:: code. */
    List<String> consoleMessages() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(LogEntry::getMessage).toList();
    }

    /** Saves a PNG of the window, for the build's artifacts. */
    void screenshot(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    }

    private <T> T waitFor(java.util.function.Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition);
    }
}
