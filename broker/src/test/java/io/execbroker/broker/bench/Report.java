package io.execbroker.broker.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Renders {@link Results} as one table: metric | broker (raw WS client) | direct | docker CLI | broker (JDK client)
 * | broker/direct | target | verdict, then the values of every run. The targets are about the broker: its column
 * is driven by a bare WebSocket client, as direct is by a bare Docker client.
 */
final class Report {
    private static final String BROKER = "broker";
    private static final String DIRECT = "direct";
    private static final String CLI = "docker CLI";
    private static final String JDK = "broker JDK client";
    private static final String NONE = "-";

    private final BenchOptions options;
    private final Results r;
    private final List<String> columns = new ArrayList<>(List.of(BROKER, DIRECT, CLI));
    private final List<String[]> rows = new ArrayList<>();

    private Report(BenchOptions options, Results results) {
        this.options = options;
        this.r = results;
        columns.add(JDK);
    }

    /** Returns the table with a header of {@code context} lines and the per-run values under it. */
    static String render(BenchOptions options, Results results, List<String> context) {
        return new Report(options, results).render(context);
    }

    private String render(List<String> context) {
        List<String> header = new ArrayList<>(List.of("metric"));
        header.addAll(columns.stream().map(Report::heading).toList());
        header.addAll(List.of("broker/direct", "target", "verdict"));
        rows.add(header.toArray(String[]::new));
        int reps = options.reps();
        throughputRow("stdout tty=off, MiB/s (median of " + reps + ")", r.stdoutTtyOff);
        throughputRow("stdout tty=on, MiB/s (median of " + reps + ")", r.stdoutTtyOn);
        throughputRow("stdin echo via cat, MiB/s (median of " + reps + ")", r.echo);
        latencyRow("setup `true`, p50 ms (N=" + options.setupN() + ")", r.setupNanos, 50, 1e6, 5.0, "ms");
        latencyRow("setup `true`, p99 ms", r.setupNanos, 99, 1e6, Double.NaN, "ms");
        latencyRow("1-byte echo RTT, p50 us (N=" + options.rttN() + ")", r.rttNanos, 50, 1e3, Double.NaN, "us");
        latencyRow("1-byte echo RTT, p99 us", r.rttNanos, 99, 1e3, 1000.0, "us");
        cpuRows();
        threadRows();

        StringBuilder out = new StringBuilder();
        context.forEach(line -> out.append(line).append('\n'));
        out.append('\n').append(table()).append('\n');
        details(out);
        return out.toString();
    }

    private static String heading(String column) {
        return switch (column) {
            case BROKER -> "broker (raw WS client)";
            case JDK -> "broker (JDK client)";
            default -> column;
        };
    }

    /** Adds metric | one cell per column | ratio | target | verdict. */
    private void row(String metric, Function<String, String> cell, String ratio, String target, String verdict) {
        List<String> cells = new ArrayList<>(List.of(metric));
        columns.forEach(c -> cells.add(cell.apply(c)));
        cells.addAll(List.of(ratio, target, verdict));
        rows.add(cells.toArray(String[]::new));
    }

    private void throughputRow(String metric, Map<String, double[]> values) {
        double ratio = Stats.median(values.get(BROKER)) / Stats.median(values.get(DIRECT));
        row(metric, c -> values.containsKey(c) ? f1(Stats.median(values.get(c))) : NONE,
            String.format("%.2fx", ratio), ">= 0.95x direct", ratio >= 0.95 ? "PASS" : "FAIL");
    }

    /** A latency percentile; with a finite {@code slack} the target is broker <= direct + slack (in {@code unit}). */
    private void latencyRow(String metric, Map<String, long[]> nanos, double p, double per, double slack, String unit) {
        double broker = Stats.percentile(nanos.get(BROKER), p) / per;
        double direct = Stats.percentile(nanos.get(DIRECT), p) / per;
        String delta = String.format("%+.1f %s", broker - direct, unit);
        boolean targeted = !Double.isNaN(slack);
        String target = targeted ? "<= direct + " + (long) slack + " " + unit : NONE;
        String verdict = (targeted ? (broker <= direct + slack ? "PASS " : "FAIL ") : "info ") + "(" + delta + ")";
        row(metric, c -> nanos.containsKey(c) ? f1(Stats.percentile(nanos.get(c), p) / per) : NONE,
            String.format("%.2fx", broker / direct), target, verdict);
    }

    private void cpuRows() {
        double broker = Stats.median(r.ownCpuPerGiB.get(BROKER));
        double direct = Stats.median(r.ownCpuPerGiB.get(DIRECT));
        row("CPU s/GiB, stdout tty=off, own threads (CLI: its process)", c -> median3(r.ownCpuPerGiB, c),
            String.format("%.2fx", broker / direct), "broker <= 0.6 s/GiB", broker <= 0.6 ? "PASS" : "FAIL");
        row("CPU s/GiB, same runs, whole JVM (+client,GC,JIT)", c -> median3(r.processCpuPerGiB, c),
            ratio(r.processCpuPerGiB), NONE, "info");
        if (!r.machineCpuPerGiB.isEmpty()) {
            row("CPU s/GiB, same runs, whole machine (/proc/stat)", c -> median3(r.machineCpuPerGiB, c),
                ratio(r.machineCpuPerGiB), NONE, "info");
        }
    }

    private void threadRows() {
        IdleSessions.Result t = r.threads;
        if (t == null) {
            row("broker threads: idle sessions", c -> NONE, NONE, "flat (no thread per session)",
                "FAIL (see below)");
            return;
        }
        row("broker threads: idle -> " + t.sessions() + " idle sessions",
            c -> c.equals(BROKER) ? t.idle().broker() + " -> " + t.duringSecond().broker() : NONE, NONE,
            "flat (no thread per session)", t.flat() ? "PASS" : "FAIL");
        row("JVM threads (+ bench client's, GC'd late): idle -> " + t.sessions(),
            c -> c.equals(BROKER) ? t.idle().jvm() + " -> " + t.duringSecond().jvm() : NONE, NONE, NONE, "info");
    }

    private void details(StringBuilder out) {
        out.append("Per run (in run order):\n");
        detail(out, "stdout tty=off MiB/s", r.stdoutTtyOff);
        detail(out, "stdout tty=on MiB/s", r.stdoutTtyOn);
        detail(out, "stdin echo MiB/s", r.echo);
        detail(out, "CPU own threads s/GiB", r.ownCpuPerGiB);
        detail(out, "CPU whole JVM s/GiB", r.processCpuPerGiB);
        detail(out, "CPU machine s/GiB", r.machineCpuPerGiB);
        r.setupNanos.forEach((name, v) -> out.append(String.format("  %-22s %-17s %s%n", "setup ms", name, spread(v, 1e6))));
        r.setupToHandshakeNanos.forEach((name, v) -> {
            long[] total = r.setupNanos.get(name);
            long[] rest = new long[v.length];
            for (int i = 0; i < v.length; i++) {
                rest[i] = total[i] - v[i];
            }
            out.append(String.format("  %-22s %-17s %s%n", "setup: to handshake ms", name, spread(v, 1e6)));
            out.append(String.format("  %-22s %-17s %s%n", "setup: handshake->exit", name, spread(rest, 1e6)));
        });
        r.setupStepNanos.forEach((name, steps) -> {
            long[] total = r.setupNanos.get(name);
            long[] rest = total.clone();
            steps.forEach((step, v) -> {
                out.append(String.format("  %-22s %-17s %s%n", "setup step " + step, name, spread(v, 1e6)));
                for (int i = 0; i < v.length; i++) {
                    rest[i] -= v[i];
                }
            });
            // What no broker step covers: the client's connect and HTTP, the frames' trip, the process's own run.
            out.append(String.format("  %-22s %-17s %s%n", "setup outside steps", name, spread(rest, 1e6)));
        });
        r.rttNanos.forEach((name, v) -> out.append(String.format("  %-22s %-17s %s%n", "RTT us", name, spread(v, 1e3))));
        double total = r.brokerCpuByThread.values().stream().mapToDouble(Double::doubleValue).sum();
        out.append(String.format("  broker thread CPU over the tty=off broker runs (%.2f s in all):%n", total));
        r.brokerCpuByThread.entrySet().stream()
            .sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder()))
            .filter(e -> e.getValue() >= 0.005)
            .forEach(e -> out.append(String.format("    %-58s %7.2f s%n", e.getKey(), e.getValue())));
        IdleSessions.Result t = r.threads;
        if (t == null) {
            out.append("  idle sessions failed: ").append(r.threadsFailure).append('\n');
        } else {
            out.append(String.format("  threads broker/JVM: cold %d/%d, %d sessions (round 1) %d/%d, idle %d/%d,"
                    + " %d sessions (round 2) %d/%d, after %d/%d%n", t.cold().broker(), t.cold().jvm(), t.sessions(),
                t.duringFirst().broker(), t.duringFirst().jvm(), t.idle().broker(), t.idle().jvm(), t.sessions(),
                t.duringSecond().broker(), t.duringSecond().jvm(), t.after().broker(), t.after().jvm()));
        }
        if (r.threadsDiedWhileSampled > 0) {
            out.append("  WARNING: ").append(r.threadsDiedWhileSampled)
                .append(" sampled threads died during a CPU sample; their CPU time is missing\n");
        }
    }

    private static void detail(StringBuilder out, String what, Map<String, double[]> values) {
        values.forEach((name, v) -> out.append(String.format("  %-22s %-17s %s%n", what, name,
            Arrays.stream(v).mapToObj(x -> String.format("%.3f", x)).collect(Collectors.joining("  ")))));
    }

    private static String spread(long[] nanos, double per) {
        return String.format("min %.1f  p50 %.1f  p90 %.1f  p99 %.1f  max %.1f", Stats.percentile(nanos, 0) / per,
            Stats.percentile(nanos, 50) / per, Stats.percentile(nanos, 90) / per, Stats.percentile(nanos, 99) / per,
            Stats.percentile(nanos, 100) / per);
    }

    private static String median3(Map<String, double[]> values, String column) {
        return values.containsKey(column) ? String.format("%.3f", Stats.median(values.get(column))) : NONE;
    }

    private static String ratio(Map<String, double[]> values) {
        return values.containsKey(BROKER) && values.containsKey(DIRECT)
            ? String.format("%.2fx", Stats.median(values.get(BROKER)) / Stats.median(values.get(DIRECT))) : NONE;
    }

    private String table() {
        return TextTable.render(rows, 1, columns.size() + 1);
    }

    private static String f1(double v) {
        return String.format("%.1f", v);
    }
}
