package io.execbroker.broker.cli;

import io.execbroker.protocol.client.ExecClient;

/**
 * Sends the local terminal's size now and on every window change (SIGWINCH). The JDK has no public API for the
 * signal; {@code sun.misc.Signal} (module jdk.unsupported) is the standard way, and where it is missing the
 * size is still sent once.
 */
final class WindowSize {
    private WindowSize() {
    }

    static void follow(ExecClient client) {
        send(client);
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), signal -> send(client));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGWINCH on this platform: the first size stands
        }
    }

    private static void send(ExecClient client) {
        Terminal.size().ifPresent(size -> client.resize(size[0], size[1]));
    }
}
