package io.execbroker.broker.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code exec-broker events URL [--token T] [--filter F]... [--pretty] [--since T] [--until T] [--no-reconnect]}:
 * prints a watch of Docker events, one JSON event per line as the broker sent it (indented with {@code --pretty}),
 * flushed per event, and reconnects after a loss with {@code since} the last event's {@code timeNano}
 * (see {@link EventsWatch} for which ends are final).
 */
@Command(name = "events", mixinStandardHelpOptions = true,
    description = "Prints Docker events watched through a broker, one JSON event per line.",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
        "0:a clean end: the broker closed with 1000 (until reached), or SIGINT/SIGTERM",
        "1:refused: the broker's HTTP status (4xx; with --no-reconnect any status)",
        "2:usage error",
        "3:the watch was lost (or the broker never reached) and is not reconnected"})
public final class EventsCommand implements Callable<Integer> {
    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final int LOST = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "URL", description = "The broker's events URL, like ws://127.0.0.1:8866/events")
    private URI url;

    @Option(names = "--token", description = "The token, sent as Authorization: Bearer (or set EXEC_BROKER_TOKEN)")
    private String token;

    @Option(names = "--filter", paramLabel = "FILTER",
        description = "A filter like container=web-1,event=start (repeatable; values of one key are alternatives)")
    private List<String> filters = new ArrayList<>();

    @Option(names = "--pretty", description = "Indent each event")
    private boolean pretty;

    @Option(names = "--since", description = "Events since T: Unix seconds (1700000000.5) or a timeNano")
    private String since;

    @Option(names = "--until", description = "Events until T, then exit 0: Unix seconds or nanoseconds")
    private String until;

    @Option(names = "--ca-file", paramLabel = "FILE",
        description = "Trust a wss:// broker whose certificate these PEM CAs signed (instead of the JDK's CAs)")
    private Path caFile;

    @Option(names = "--no-reconnect", description = "Exit when the watch is lost or refused instead of reconnecting")
    private boolean noReconnect;

    private final PrintStream out;
    private final PrintStream err;
    private final Consumer<Runnable> onStop;

    /** Prints to stdout and stderr in UTF-8 and stops on SIGINT or SIGTERM. */
    public EventsCommand() {
        this(new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.UTF_8),
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8), Signals::onStop);
    }

    /** For tests: {@code onStop} gets the action a signal would run. */
    EventsCommand(PrintStream out, PrintStream err, Consumer<Runnable> onStop) {
        this.out = out;
        this.err = err;
        this.onStop = onStop;
    }

    @Override
    public Integer call() {
        if (!"ws".equalsIgnoreCase(url.getScheme()) && !"wss".equalsIgnoreCase(url.getScheme())) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "URL: " + url + " (expected: ws:// or wss://, like ws://127.0.0.1:8866/events)");
        }
        Optional<String> bearer = Optional.ofNullable(token != null ? token : System.getenv("EXEC_BROKER_TOKEN"));
        WatchTarget target = new WatchTarget(url, filters, Optional.ofNullable(since), Optional.ofNullable(until));
        HttpClient http;
        try {
            http = ClientTls.httpClient(Optional.ofNullable(caFile), Duration.ofSeconds(10));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--ca-file: " + e.getMessage());
        }
        EventsWatch watch = new EventsWatch(target, new WebSocketWatchConnector(http, bearer, Duration.ofSeconds(10)),
            !noReconnect, this::print, notice -> err.println("exec-broker: " + ClientTls.withHint(notice, caFile != null)), EventsCommand::after,
            Clock.systemUTC(), new Backoff(Backoff.INITIAL, Backoff.MAX));
        onStop.accept(watch::stop);
        EventsWatch.End end = watch.run();
        out.flush();
        return switch (end) {
            case CLEAN, STOPPED -> 0;
            case REFUSED -> REFUSED;
            case LOST -> LOST;
        };
    }

    /** Writes one event and flushes, so a pipe sees each event when it comes. */
    private void print(String event) {
        String line = event;
        if (pretty) {
            try {
                line = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(event));
            } catch (IOException e) {
                // Not JSON: printed as received.
            }
        }
        out.print(line);
        out.print('\n');
        out.flush();
    }

    private static CompletableFuture<Void> after(Duration wait) {
        return CompletableFuture.runAsync(() -> { },
            CompletableFuture.delayedExecutor(wait.toMillis(), TimeUnit.MILLISECONDS));
    }
}
