package io.execbroker.sample.fleet;

/** A value as error messages show it: at most 80 characters, control characters as {@code ?}, quoted. */
final class Shown {
    private Shown() {
    }

    static String of(String value) {
        String cut = value.length() > 80 ? value.substring(0, 80) + "…" : value;
        return "\"" + cut.codePoints().collect(StringBuilder::new,
            (out, c) -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c), StringBuilder::append) + "\"";
    }
}
