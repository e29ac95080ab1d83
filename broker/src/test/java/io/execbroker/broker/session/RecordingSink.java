package io.execbroker.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A {@link ClientFrames.Sink} that writes down what reaches it, in order: {@code "stdin 6162"}, {@code "message 01"},
 * {@code "text"}, {@code "too big 8"}. It also keeps each buffer passed on with its bytes as they were then, so a
 * test can check that {@link ClientFrames} never changes a buffer after handing it over.
 */
class RecordingSink implements ClientFrames.Sink {
    private static final HexFormat HEX = HexFormat.of();

    private final List<String> events = new ArrayList<>();
    private final List<Buffer> passedOn = new ArrayList<>();
    private final List<String> passedOnHex = new ArrayList<>();

    /** What reached the sink so far. */
    List<String> events() {
        return events;
    }

    /** Fails if a buffer passed on differs now from what it held when passed on. */
    void assertNothingPassedOnChanged() {
        for (int i = 0; i < passedOn.size(); i++) {
            assertThat(hex(passedOn.get(i))).as("a buffer passed on changed later").isEqualTo(passedOnHex.get(i));
        }
    }

    @Override
    public void stdin(Buffer data) {
        assertThat(data.length()).as("stdin parts are never empty").isPositive();
        keep(data);
        events.add("stdin " + hex(data));
    }

    @Override
    public void message(Buffer message) {
        keep(message);
        events.add("message " + hex(message));
    }

    @Override
    public void text() {
        events.add("text");
    }

    @Override
    public void tooBig(int maxMessageBytes) {
        events.add("too big " + maxMessageBytes);
    }

    private void keep(Buffer data) {
        passedOn.add(data);
        passedOnHex.add(hex(data));
    }

    static String hex(Buffer data) {
        return HEX.formatHex(data.getBytes());
    }
}
