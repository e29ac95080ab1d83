package io.execbroker.broker.bench;

import java.util.function.Function;

/** The start every benchmark's {@code main} shares: quiet loggers, then its options, or an exit with its usage. */
final class BenchLaunch {
    private BenchLaunch() {
    }

    /**
     * Quiets the loggers before any exists (the test resources log io.execbroker at debug, far too much for a
     * benchmark), then parses {@code args}: exits 2 with {@code usage} on bad options, 0 after printing it for
     * {@code --help} ({@code parse} returns null).
     */
    static <T> T options(String[] args, Function<String[], T> parse, String usage) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        System.setProperty("org.slf4j.simpleLogger.log.io.execbroker", "warn");
        T options;
        try {
            options = parse.apply(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.err.println(usage);
            System.exit(2);
            return null;
        }
        if (options == null) {
            System.out.println(usage);
            System.exit(0);
        }
        return options;
    }
}
