package io.execbroker.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The static pages name every script and stylesheet by URL path; each must be on the classpath where the web app
 * serves it from: {@code /webjars/...} and {@code /exec-broker/...} under {@code META-INF/resources/} (the
 * WebJars and the protocol jar), anything else under {@code webroot/}. Catches a WebJar version in the root pom
 * that drifted from the one the page names.
 */
class TerminalPageResourcesTest {
    private static final Pattern LOCAL_URL = Pattern.compile("(?:src|href)=\"(/[^\"?#]*)");
    private static final Pattern MODULE_IMPORT = Pattern.compile("from '(/[^']*)'");

    @ParameterizedTest
    @ValueSource(strings = {"terminal.html", "index.html", "terminal.js", "index.js"})
    void everyLocalResourceThePageNamesIsOnTheClasspath(String page) throws IOException {
        String text = read("webroot/" + page);
        List<String> paths = new ArrayList<>();
        for (Pattern pattern : List.of(LOCAL_URL, MODULE_IMPORT)) {
            Matcher m = pattern.matcher(text);
            while (m.find()) {
                paths.add(m.group(1));
            }
        }
        if (page.equals("terminal.html")) {
            assertThat(paths).contains("/webjars/xterm/4.9.0/lib/xterm.js", "/terminal.js");
        }
        for (String path : paths) {
            if (path.equals("/index.html") || path.endsWith("/") || !path.contains(".")) {
                continue; // links to pages and endpoints, not resources
            }
            String resource = path.startsWith("/webjars/") || path.startsWith("/exec-broker/")
                ? "META-INF/resources" + path : "webroot" + path;
            assertThat(getClass().getClassLoader().getResource(resource))
                .as("%s names %s, expected on the classpath as %s", page, path, resource)
                .isNotNull();
        }
    }

    private String read(String resource) throws IOException {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
