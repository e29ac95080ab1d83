package io.execbroker.broker.cli;

import io.execbroker.protocol.client.ExecClient;
import io.execbroker.protocol.client.ExecClientException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code exec-broker exec URL [--token T] [--tty] [-- command...]}: runs one session and exits with the remote
 * exit code. With {@code --tty} and a terminal on stdin it puts the terminal in raw mode and forwards window
 * size changes; otherwise it pipes stdin and stdout, so it works in scripts.
 */
@Command(name = "exec", mixinStandardHelpOptions = true,
    description = "Runs a command through a broker and exits with its exit code.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0-255:the remote process's exit code", "125:the session failed (refused, closed, no exit code)"})
public final class ExecCommand implements Callable<Integer> {
    /** Like {@code docker exec}: the exit code when the broker, not the process, failed. */
    static final int SESSION_FAILED = 125;

    @Parameters(index = "0", description = "The broker's WebSocket URL, like ws://127.0.0.1:8866/exec")
    private URI url;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "COMMAND", description = "The command to ask for")
    private List<String> command = new ArrayList<>();

    @Option(names = "--token", description = "The token, sent as Authorization: Bearer (or set EXEC_BROKER_TOKEN)")
    private String token;

    @Option(names = "--tty", description = "Ask for a terminal")
    private boolean tty;

    @Option(names = "--ca-file", paramLabel = "FILE",
        description = "Trust a wss:// broker whose certificate these PEM CAs signed (instead of the JDK's CAs)")
    private Path caFile;

    @Override
    public Integer call() throws Exception {
        String bearer = token != null ? token : System.getenv("EXEC_BROKER_TOKEN");
        ExecClient.Options options = ExecClient.Options.defaults().command(command).tty(tty);
        if (bearer != null) {
            options.token(bearer);
        }
        if (caFile != null) {
            try {
                options.httpClient(ClientTls.httpClient(Optional.of(caFile), Duration.ofSeconds(10)));
            } catch (IllegalArgumentException e) {
                System.err.println("exec-broker: --ca-file: " + e.getMessage());
                return SESSION_FAILED;
            }
        }
        ExecClient client;
        try {
            client = ExecClient.connect(url, options).join();
        } catch (CompletionException e) {
            System.err.println("exec-broker: " + ClientTls.withHint(e.getCause().getMessage(), caFile != null));
            return SESSION_FAILED;
        }
        boolean interactive = tty && Terminal.isInteractive();
        Terminal terminal = interactive ? Terminal.raw() : null;
        try {
            if (interactive) {
                WindowSize.follow(client);
            }
            Thread output = pump("stdout", client.stdout(), System.out);
            Thread errors = pump("stderr", client.stderr(), System.err);
            Thread input = new Thread(() -> copyStdin(client), "stdin");
            input.setDaemon(true);
            input.start();
            int code = client.exitCode().join();
            output.join();
            errors.join();
            return code;
        } catch (CompletionException e) {
            String why = e.getCause() instanceof ExecClientException failed ? failed.getMessage() : e.getCause().toString();
            System.err.println("exec-broker: " + why);
            return SESSION_FAILED;
        } finally {
            if (terminal != null) {
                terminal.restore();
            }
        }
    }

    private static void copyStdin(ExecClient client) {
        try (OutputStream stdin = client.stdin()) {
            System.in.transferTo(stdin);
        } catch (IOException | RuntimeException e) {
            // the session ended while we were still reading local stdin: nothing left to send it to
        }
    }

    private static Thread pump(String name, InputStream from, OutputStream to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    to.write(buffer, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                System.err.println("exec-broker: cannot write " + name + ": " + e.getMessage());
            }
        }, name);
        thread.start();
        return thread;
    }
}
