package io.execbroker.broker.ops;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * Every metric of the broker, named once here after Prometheus' conventions: the {@code exec_broker_} prefix, base
 * units ({@code _seconds}, {@code _bytes}), {@code _total} for counters (Micrometer's Prometheus registry adds
 * it). Labels take values from {@link MetricLabels} only; none carries a token, a subject or an argv. Thread safe.
 */
public final class BrokerMetrics {
    /** Session durations and teardowns: from a blink to a working day. */
    private static final Duration[] SESSION_BUCKETS = seconds(0.1, 1, 10, 60, 600, 3600, 28800);
    private static final Duration[] FAST_BUCKETS = seconds(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
        5, 10, 30);
    private static final Duration[] SETUP_BUCKETS = seconds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25,
        1, 5);

    private final MeterRegistry registry;
    private final PrometheusMeterRegistry prometheus;
    private final JvmGcMetrics gc;

    private BrokerMetrics(MeterRegistry registry, PrometheusMeterRegistry prometheus, JvmGcMetrics gc) {
        this.registry = registry;
        this.prometheus = prometheus;
        this.gc = gc;
    }

    /** Returns metrics kept for {@code /metrics}, with the JVM's and the process's own. */
    public static BrokerMetrics prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        return new BrokerMetrics(registry, registry, gc);
    }

    /** Returns metrics kept in memory only, for a broker without the ops listener (tests, embedding). */
    public static BrokerMetrics inMemory() {
        return new BrokerMetrics(new SimpleMeterRegistry(), null, null);
    }

    /** Returns the registry, for tests that read a meter. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Returns the Prometheus text exposition of every meter; empty for {@link #inMemory} metrics. */
    public String scrape() {
        return prometheus == null ? "" : prometheus.scrape();
    }

    /** Returns the content type of {@link #scrape}. */
    public static String contentType() {
        return "text/plain; version=0.0.4; charset=utf-8";
    }

    /** A handshake of {@code route} ({@code exec}, {@code events}) answered {@code status} (101 when upgraded). */
    public void handshake(String route, int status) {
        Counter.builder("exec_broker_handshakes").description("WebSocket handshakes by route and HTTP status")
            .tag("route", route).tag("status", Integer.toString(status)).register(registry).increment();
    }

    /** Reports the open sessions and watches as gauges, read when scraped. */
    public void open(Supplier<Number> sessions, Supplier<Number> watchers) {
        Gauge.builder("exec_broker_sessions_open", sessions).description("Exec sessions open").register(registry);
        Gauge.builder("exec_broker_event_watchers", watchers).description("Watches of Docker events open")
            .register(registry);
    }

    /** An exec session ended: how, how long it lasted, its bytes and its exit code ({@code null} when none). */
    public void sessionEnded(int closeCode, Duration duration, long stdinBytes, long outputBytes, Integer exitCode) {
        Counter.builder("exec_broker_sessions_ended").description("Exec sessions ended, by close code")
            .tag("close_code", MetricLabels.closeCode(closeCode)).register(registry).increment();
        Timer.builder("exec_broker_session_duration").description("How long exec sessions lasted")
            .serviceLevelObjectives(SESSION_BUCKETS).register(registry).record(duration);
        bytes("exec_broker_stdin_bytes", "Bytes of stdin from clients to processes").increment(stdinBytes);
        bytes("exec_broker_output_bytes", "Bytes of stdout and stderr from processes to clients").increment(outputBytes);
        Counter.builder("exec_broker_exit_codes").description("Exit codes of the processes of exec sessions")
            .tag("code", MetricLabels.exitCode(exitCode)).register(registry).increment();
    }

    /** A watch of Docker events ended: how, and how many events it was sent. */
    public void watchEnded(int closeCode, long eventsSent) {
        Counter.builder("exec_broker_watches_ended").description("Watches of Docker events ended, by close code")
            .tag("close_code", MetricLabels.closeCode(closeCode)).register(registry).increment();
        Counter.builder("exec_broker_events_sent").description("Docker events sent to watchers (counted at their end)")
            .register(registry).increment(eventsSent);
    }

    /**
     * An authorizer answered: {@code mode} {@code controller} or {@code jwt}, {@code purpose} {@code exec} or
     * {@code events}, {@code outcome} {@code granted} or the HTTP status of the refusal.
     */
    public void authorization(String mode, String purpose, String outcome, Duration took) {
        Timer.builder("exec_broker_authorization_duration").description("Authorizer calls (the controller round trip"
                + " in controller mode), by outcome").tag("mode", mode).tag("purpose", purpose).tag("outcome", outcome)
            .serviceLevelObjectives(FAST_BUCKETS).register(registry).record(took);
    }

    /**
     * One step of a session's setup took {@code nanos} ({@code step}: {@code authorize}, {@code policy},
     * {@code upgrade}, {@code exec_create}, {@code exec_start}, {@code exit_code}).
     */
    public void setupStep(String step, long nanos) {
        Timer.builder("exec_broker_setup_step_duration").description("Steps of exec session setup, each from the end"
                + " of the one before: authorize, policy, upgrade, exec_create, exec_start; exit_code from the end of"
                + " the output to the exit code").tag("step", step)
            .serviceLevelObjectives(SETUP_BUCKETS).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Says which broker of a fleet this is: {@code exec_broker_identity{broker_id}} 1 (not {@code _info}: Micrometer would cut that suffix), to join on in queries. */
    public void identity(String brokerId) {
        Gauge.builder("exec_broker_identity", () -> 1).description("This broker: its broker.id, 1")
            .tag("broker_id", brokerId).register(registry);
    }

    /** A JWT was refused, for {@link MetricLabels#jwtReason}. */
    public void jwtRefused(String reason) {
        Counter.builder("exec_broker_jwt_failures").description("Refused JWTs, by reason").tag("reason", reason)
            .register(registry).increment();
    }

    /**
     * A teardown ended: {@code result} {@code exited} (already gone), {@code killed_after_term},
     * {@code killed_after_kill} or {@code gave_up}.
     */
    public void teardown(String result, Duration took) {
        Timer.builder("exec_broker_teardown_duration").description("Teardowns of exec processes, by result")
            .tag("result", result).serviceLevelObjectives(FAST_BUCKETS).register(registry).record(took);
        Counter.builder("exec_broker_teardowns").description("Teardowns of exec processes, by result")
            .tag("result", result).register(registry).increment();
    }

    /** Makes the blocking Docker API call {@code call} of {@code operation} (like {@code exec_create}), timed. */
    public <T> T dockerCall(String operation, Callable<T> call) throws Exception {
        long started = System.nanoTime();
        boolean failed = true;
        try {
            T result = call.call();
            failed = false;
            return result;
        } finally {
            Timer.builder("exec_broker_docker_api_duration").description("Docker API calls, by operation")
                .tag("operation", operation).tag("outcome", failed ? "error" : "ok")
                .serviceLevelObjectives(FAST_BUCKETS).register(registry).record(System.nanoTime() - started,
                    TimeUnit.NANOSECONDS);
        }
    }

    /** Reports the audit records dropped by {@code log}, read when scraped. */
    public <T> void auditDropped(T log, ToDoubleFunction<T> dropped) {
        FunctionCounter.builder("exec_broker_audit_records_dropped", log, dropped)
            .description("Audit records dropped because the writer could not keep up").register(registry);
    }

    /** Stops the JVM's GC listener and closes the registry. */
    public void close() {
        if (gc != null) {
            gc.close();
        }
        registry.close();
    }

    private Counter bytes(String name, String description) {
        return Counter.builder(name).baseUnit("bytes").description(description).register(registry);
    }

    private static Duration[] seconds(double... values) {
        Duration[] out = new Duration[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = Duration.ofNanos((long) (values[i] * 1e9));
        }
        return out;
    }
}
