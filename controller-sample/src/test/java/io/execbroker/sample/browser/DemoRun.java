package io.execbroker.sample.browser;

import java.nio.file.Path;
import java.util.Map;

/** The demo of a browser test class ({@code deploy/demo.sh} on free ports) and its Docker client, for its tests. */
final class DemoRun implements AutoCloseable {
    final DemoProcess demo;
    final FixtureExecs execs;

    private DemoRun(DemoProcess demo, FixtureExecs execs) {
        this.demo = demo;
        this.execs = execs;
    }

    /** Starts the demo in {@code dir}, with {@code env} added to demo.sh's environment. */
    static DemoRun start(Path dir, Map<String, String> env) throws Exception {
        FixtureExecs execs = new FixtureExecs();
        try {
            return new DemoRun(DemoProcess.start(dir, env), execs);
        } catch (Exception | AssertionError e) {
            execs.close();
            throw e;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            demo.close();
        } finally {
            execs.close();
        }
    }
}
