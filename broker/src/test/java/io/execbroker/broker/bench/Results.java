package io.execbroker.broker.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** What one run measured, per column (subject name); filled by {@link Measurements}, read by {@link Report}. */
final class Results {
    /** MiB/s, one value per repetition. */
    final Map<String, double[]> stdoutTtyOff = new LinkedHashMap<>();
    final Map<String, double[]> stdoutTtyOn = new LinkedHashMap<>();
    final Map<String, double[]> echo = new LinkedHashMap<>();
    /** Nanoseconds, one value per session or round trip. */
    final Map<String, long[]> setupNanos = new LinkedHashMap<>();
    final Map<String, long[]> rttNanos = new LinkedHashMap<>();
    /** Broker columns only: nanoseconds from "start connecting" to the broker's authorizer call (the client's part). */
    final Map<String, long[]> setupToHandshakeNanos = new LinkedHashMap<>();
    /** Broker columns only: the broker's own steps of each setup session, step to nanoseconds per session. */
    final Map<String, Map<String, long[]>> setupStepNanos = new LinkedHashMap<>();
    /** CPU seconds per GiB of the tty-off stdout runs, one per repetition: the column's own threads. */
    final Map<String, double[]> ownCpuPerGiB = new LinkedHashMap<>();
    /** The same, for the whole JVM process during that column's runs (bench client, GC and JIT included). */
    final Map<String, double[]> processCpuPerGiB = new LinkedHashMap<>();
    /** The same, for the whole machine (/proc/stat: dockerd, shim, the process, this JVM, anything else). */
    final Map<String, double[]> machineCpuPerGiB = new LinkedHashMap<>();
    /** Broker threads, by name prefix, that used the most CPU in the tty-off broker runs: name to seconds. */
    final Map<String, Double> brokerCpuByThread = new LinkedHashMap<>();
    /** Threads of a column that died during a CPU sample, whose CPU time is therefore missing. */
    int threadsDiedWhileSampled;
    IdleSessions.Result threads;
    /** Why the idle-session rounds failed, when they did (then {@link #threads} is null). */
    String threadsFailure;
}
