package io.execbroker.sample.token;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDBC URL that shows itself without its secrets, for logs and error messages. The shown form drops the query
 * string ({@code ?user=…&password=…}, PostgreSQL), the settings ({@code ;PASSWORD=…}, H2) and any
 * {@code user:password@}. Like {@code jdbc:postgresql://127.0.0.1:5432/db}. Immutable.
 */
public final class JdbcUrl {
    private static final Pattern USER_PASSWORD = Pattern.compile("//[^/@:]*:([^/@]+)@");

    private final String url;
    private final String shown;
    private final List<String> secrets;

    private JdbcUrl(String url) {
        this.url = url;
        int end = url.length();
        for (char c : new char[] {'?', ';'}) {
            int i = url.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        this.shown = url.substring(0, end).replaceFirst("//[^/@]*@", "//");
        this.secrets = secrets(url);
    }

    /** Returns {@code url} wrapped; it is never shown as it is. */
    public static JdbcUrl of(String url) {
        return new JdbcUrl(Objects.requireNonNull(url, "url"));
    }

    /** Returns {@code text}, like a driver's error message, with this URL and its passwords replaced by the shown form. */
    public String scrub(String text) {
        if (text == null) {
            return "no message";
        }
        String scrubbed = text.replace(url, shown);
        for (String secret : secrets) {
            scrubbed = scrubbed.replace(secret, "***");
        }
        return scrubbed;
    }

    /** Returns the URL without query string, settings and user info. */
    @Override
    public String toString() {
        return shown;
    }

    /** Values of parameters whose name holds "password", and the password of a user:password@. */
    private static List<String> secrets(String url) {
        List<String> secrets = new ArrayList<>();
        for (String param : url.split("[?;&]")) {
            int eq = param.indexOf('=');
            boolean named = eq > 0 && param.substring(0, eq).toLowerCase(Locale.ROOT).contains("password");
            if (named && eq < param.length() - 1) {
                secrets.add(param.substring(eq + 1));
            }
        }
        Matcher userInfo = USER_PASSWORD.matcher(url);
        if (userInfo.find()) {
            secrets.add(userInfo.group(1));
        }
        return List.copyOf(secrets);
    }
}
