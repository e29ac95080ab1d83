package io.execbroker.broker.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Renders {@link EventsResult} as the events table: metric | broker | direct | broker/direct | target | verdict,
 * in the style of {@link Report}, then the values of every run. The broker column is N watchers on the broker's
 * {@code /events}; the direct column N {@code GET /events} streams from Docker with the same filter.
 */
final class EventsReport {
    private static final String BROKER = "broker";
    private static final String DIRECT = "direct";
    private static final String NONE = "-";
    private static final double KIB = 1024.0;

    private final EventsResult r;
    private final List<Integer> ns;
    private final List<String[]> rows = new ArrayList<>();

    private EventsReport(EventsResult result, List<Integer> ns) {
        this.r = result;
        this.ns = ns;
    }

    static String render(EventsResult result, List<Integer> ns) {
        return new EventsReport(result, ns).render();
    }

    private String render() {
        rows.add(new String[] {"events metric", "broker (watchers)", "direct (GET /events)", "broker/direct", "target",
            "verdict"});
        for (int n : ns) {
            String who = n + (n == 1 ? " receiver" : " receivers");
            ratioRow("events/s delivered, " + who + " (sum)", n, EventsResult.Run::perSecond, "%.0f", "");
            ratioRow("latency Docker->receiver p50 ms, " + who, n, run -> run.p50Nanos() / 1e6, "%.2f", "ms");
            ratioRow("latency Docker->receiver p99 ms, " + who, n, run -> run.p99Nanos() / 1e6, "%.2f", "ms");
        }
        completeRows();
        memoryRows();
        upstreamRow();
        StringBuilder out = new StringBuilder();
        out.append(String.format("events: POST /containers/servertest/kill?signal=SIGCONT paced at %d/s (one `kill`"
            + " event each; Docker answered %.1f such calls/s one at a time here; ticks skipped, calls still under"
            + " way: %d)%n", r.rate(), r.serialRate(), r.skippedTicks()));
        out.append("latency: receive time in the bench JVM minus the event's timeNano (dockerd), both this host's wall"
            + " clock; broker = watchers on the in-process broker, its one Docker stream shared; direct = one Docker"
            + " stream per receiver, Docker filtering\n");
        out.append('\n').append(TextTable.render(rows, 1, 3)).append('\n');
        details(out);
        return out.toString();
    }

    private void ratioRow(String metric, int n, ToDoubleFunction<EventsResult.Run> value, String format,
                          String unit) {
        Optional<EventsResult.Run> broker = r.run(BROKER, n);
        Optional<EventsResult.Run> direct = r.run(DIRECT, n);
        Function<Optional<EventsResult.Run>, String> cell = run -> run.map(x -> String.format(format,
            value.applyAsDouble(x))).orElse(NONE);
        String ratio = NONE;
        String verdict = "info";
        if (broker.isPresent() && direct.isPresent()) {
            double b = value.applyAsDouble(broker.get());
            double d = value.applyAsDouble(direct.get());
            ratio = String.format("%.2fx", b / d);
            if (!unit.isEmpty()) {
                verdict = String.format("info (%+.2f %s)", b - d, unit);
            }
        }
        rows.add(new String[] {metric, cell.apply(broker), cell.apply(direct), ratio, NONE, verdict});
    }

    private void completeRows() {
        String label = ns.stream().map(String::valueOf).collect(Collectors.joining("/"));
        boolean complete = true;
        boolean whole = true;
        List<String> shares = new ArrayList<>();
        List<String> losses = new ArrayList<>();
        for (String side : List.of(BROKER, DIRECT)) {
            List<String> share = new ArrayList<>();
            List<String> loss = new ArrayList<>();
            for (int n : ns) {
                Optional<EventsResult.Run> run = r.run(side, n);
                share.add(run.map(x -> String.format("%.1f%%", 100.0 * x.delivered() / ((double) x.expected() * n)))
                    .orElse(NONE));
                loss.add(run.map(x -> x.lost() + "/" + x.behind()).orElse(NONE));
                if (side.equals(BROKER) && run.isPresent()) {
                    complete &= run.get().delivered() == run.get().expected() * n;
                    whole &= run.get().lost() == 0 && run.get().behind() == 0;
                }
            }
            shares.add(String.join(" ", share));
            losses.add(String.join(" ", loss));
        }
        rows.add(new String[] {"window's events received, N=" + label, shares.get(0), shares.get(1), NONE,
            "100% (broker)", complete ? "PASS" : "FAIL"});
        rows.add(new String[] {"receivers lost/behind, N=" + label, losses.get(0), losses.get(1), NONE, "0/0 (broker)",
            whole ? "PASS" : "FAIL"});
        List<String> opening = new ArrayList<>();
        for (String side : List.of(BROKER, DIRECT)) {
            opening.add(ns.stream().map(n -> r.run(side, n).map(x -> String.format("%.2f", x.openSeconds()))
                .orElse(NONE)).collect(Collectors.joining(" ")));
        }
        rows.add(new String[] {"time to open N receivers s, N=" + label, opening.get(0), opening.get(1), NONE, NONE,
            "info"});
    }

    private void memoryRows() {
        int n = ns.stream().mapToInt(Integer::intValue).max().orElse(0);
        Optional<EventsResult.Run> broker = r.run(BROKER, n);
        Optional<EventsResult.Run> direct = r.run(DIRECT, n);
        perReceiverRow("JVM heap after GC KiB per receiver, N=" + n + " (broker: + its WS client)", broker, direct,
            ProcessMemory::heapAfterGc);
        perReceiverRow("Netty direct memory KiB per receiver, N=" + n, broker, direct, ProcessMemory::nettyDirect);
        perReceiverRow("JVM RSS KiB per receiver, N=" + n + " (noisy: G1 resizes)", broker, direct,
            ProcessMemory::jvmRss);
        perReceiverRow("dockerd RSS KiB per receiver, N=" + n, broker, direct, ProcessMemory::dockerdRss);
        ratioRow("machine CPU, cores, N=" + n + " window", n, EventsResult.Run::machineCores, "%.2f", "");
        rows.add(new String[] {"broker threads CPU, cores, N=" + n + " window",
            broker.map(x -> String.format("%.2f", x.brokerCores())).orElse(NONE), NONE, NONE, NONE, "info"});
    }

    private void perReceiverRow(String metric, Optional<EventsResult.Run> broker, Optional<EventsResult.Run> direct,
                                ToDoubleFunction<ProcessMemory> bytes) {
        Optional<Double> b = broker.flatMap(run -> perReceiver(run, bytes));
        Optional<Double> d = direct.flatMap(run -> perReceiver(run, bytes));
        String ratio = b.isPresent() && d.isPresent() ? String.format("%.2fx", b.get() / d.get()) : NONE;
        String verdict = b.isPresent() && d.isPresent() ? String.format("info (%+.1f KiB)", b.get() - d.get()) : "info";
        rows.add(new String[] {metric, b.map(v -> String.format("%.1f", v)).orElse(NONE),
            d.map(v -> String.format("%.1f", v)).orElse(NONE), ratio, NONE, verdict});
    }

    private static Optional<Double> perReceiver(EventsResult.Run run, ToDoubleFunction<ProcessMemory> bytes) {
        if (run.before().isEmpty() || run.with().isEmpty()) {
            return Optional.empty();
        }
        double before = bytes.applyAsDouble(run.before().get());
        double with = bytes.applyAsDouble(run.with().get());
        return before < 0 || with < 0 ? Optional.empty() : Optional.of((with - before) / KIB / run.receivers());
    }

    private void upstreamRow() {
        String perRun = ns.stream().map(n -> r.run(BROKER, n).map(x -> "+" + x.upstreamOpens()).orElse(NONE))
            .collect(Collectors.joining(" "));
        String direct = ns.stream().map(n -> Integer.toString(n)).collect(Collectors.joining(" "));
        rows.add(new String[] {"Docker event streams opened (broker: EventHub.upstreamOpens)",
            r.upstreamOpens() + " (per run " + perRun + ")", direct, NONE, "1 (broker)",
            r.upstreamOpens() == 1 ? "PASS" : "FAIL"});
    }

    private void details(StringBuilder out) {
        out.append("Events, per run (in run order):\n");
        for (EventsResult.Run run : r.runs()) {
            out.append(String.format("  %-6s N=%-5d open %.2f s, caught up %.2f s later, window %.2f s, %d events"
                    + " made (%.1f/s), %d received (%.0f/s), latency p50 %.2f p99 %.2f max %.2f ms, lost %d, behind %d;"
                    + " cores: machine %.2f, JVM %.2f, clients %.2f%s%n",
                run.side(), run.receivers(), run.openSeconds(), run.catchUpSeconds(), run.windowSeconds(),
                run.expected(), run.madePerSecond(), run.delivered(), run.perSecond(), run.p50Nanos() / 1e6,
                run.p99Nanos() / 1e6, run.maxNanos() / 1e6, run.lost(), run.behind(), run.machineCores(),
                run.processCores(), run.clientCores(),
                run.side().equals(BROKER) ? String.format(", broker %.2f (busiest: %s)", run.brokerCores(),
                    run.busiestBrokerThreads()) : ""));
            if (run.before().isPresent() && run.with().isPresent()) {
                ProcessMemory b = run.before().get();
                ProcessMemory w = run.with().get();
                out.append(String.format("         memory before -> with: JVM RSS %s -> %s, heap after GC %s -> %s,"
                    + " Netty direct %s -> %s, dockerd RSS %s -> %s%n", mib(b.jvmRss()), mib(w.jvmRss()),
                    mib(b.heapAfterGc()), mib(w.heapAfterGc()), mib(b.nettyDirect()), mib(w.nettyDirect()),
                    mib(b.dockerdRss()), mib(w.dockerdRss())));
            }
        }
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "unknown" : String.format("%.1f MiB", bytes / KIB / KIB);
    }
}
