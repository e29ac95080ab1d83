package io.execbroker.broker.bench;

import io.execbroker.broker.session.SetupTiming;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The broker's own account of where a session's setup time goes: the totals of its
 * {@code exec_broker_setup_step_duration} timers, read before and after each of the setup row's sequential
 * sessions, so that their difference is that one session's steps. The broker records every step before it sends
 * {@code stopped}, so the totals are complete once the client has the exit code.
 */
final class SetupSteps {
    static final List<String> STEPS = Arrays.stream(SetupTiming.Step.values()).map(SetupTiming.Step::label).toList();
    private static final String TIMER = "exec_broker_setup_step_duration";

    private final MeterRegistry registry;

    SetupSteps(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Returns the nanoseconds recorded so far for each of {@link #STEPS}, in that order. */
    long[] totals() {
        long[] totals = new long[STEPS.size()];
        for (int i = 0; i < totals.length; i++) {
            Timer timer = registry.find(TIMER).tag("step", STEPS.get(i)).timer();
            totals[i] = timer == null ? 0 : (long) timer.totalTime(TimeUnit.NANOSECONDS);
        }
        return totals;
    }
}
