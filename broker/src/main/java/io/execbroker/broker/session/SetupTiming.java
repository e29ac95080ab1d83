package io.execbroker.broker.session;

import io.execbroker.broker.ops.BrokerMetrics;

/**
 * Where one session's setup time goes, step by step, for {@code exec_broker_setup_step_duration_seconds}: the
 * authorizer's answer, the policy check (the container lookup), the upgrade, exec create, exec start, and once
 * the output has ended, the wait for Docker to record the exit code. Each step is timed from the end of the one
 * before, so the steps add up to the client's wait from its handshake to {@code stopped}. Not thread safe: one
 * session's event loop marks it.
 */
public final class SetupTiming {
    /** The steps, in order; their names are the metric's {@code step} label. */
    public enum Step {
        AUTHORIZE("authorize"), POLICY("policy"), UPGRADE("upgrade"), CREATE("exec_create"), START("exec_start"),
        EXIT("exit_code");

        private final String label;

        Step(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    private final BrokerMetrics metrics;
    private long last;

    private SetupTiming(BrokerMetrics metrics, long now) {
        this.metrics = metrics;
        this.last = now;
    }

    /** Starts timing a handshake that has passed the cheap checks, now. */
    public static SetupTiming start(BrokerMetrics metrics) {
        return new SetupTiming(metrics, System.nanoTime());
    }

    /** {@code step} has just ended: reports the time since the step before it ended. */
    public void done(Step step) {
        long now = System.nanoTime();
        metrics.setupStep(step.label(), now - last);
        last = now;
    }

    /** Restarts the clock without reporting, where the time since the last step is the process's own (it ran). */
    public void restart() {
        last = System.nanoTime();
    }
}
