package io.execbroker.broker.bench;

import java.util.List;
import java.util.Optional;

/**
 * What the events part measured; filled by {@link EventsBench}, read by {@link EventsReport}.
 *
 * @param rate kill calls a second the load was paced at
 * @param serialRate kill calls a second Docker answered one at a time, before the load
 * @param skippedTicks ticks of the load skipped because earlier calls were still under way
 * @param runs one per side and number of receivers, in run order
 * @param upstreamOpens times the broker opened its upstream {@code GET /events} during the events part
 */
record EventsResult(int rate, double serialRate, long skippedTicks, List<Run> runs, int upstreamOpens) {

    /** Returns the run of {@code side} with {@code receivers} receivers. */
    Optional<Run> run(String side, int receivers) {
        return runs.stream().filter(r -> r.side().equals(side) && r.receivers() == receivers).findFirst();
    }

    /**
     * One side with {@code receivers} receivers open.
     *
     * @param openSeconds from the first connect to every receiver open
     * @param catchUpSeconds from every receiver live to each having got an event made after that
     * @param windowSeconds the window: from its start to when the reference stream had counted its events
     * @param expected the window's events, as one more direct stream (the reference) counted them
     * @param delivered the window's events received, summed over the receivers
     * @param perSecond {@code delivered} / (last of them received - the window's start)
     * @param p50Nanos latency (receive time - timeNano) of the window's deliveries, median
     * @param p99Nanos the same, 99th percentile
     * @param maxNanos the same, largest
     * @param lost receivers that were closed by the other side (a broker watcher closed as too slow, say)
     * @param behind receivers that still lacked part of the window when the bench stopped waiting
     * @param upstreamOpens times the broker opened its upstream during this run (broker side)
     * @param machineCores CPU the whole machine used over the window and its drain, in cores
     * @param brokerCores CPU of the broker's threads over the same time, in cores (broker side; 0 for direct)
     * @param clientCores CPU of the receivers' own threads (the bench's clients) over the same time, in cores
     * @param processCores CPU of this whole JVM over the same time (broker, clients, GC, JIT), in cores
     * @param busiestBrokerThreads the broker threads that used the most CPU then, with their cores, for the details
     * @param before memory before the receivers were opened (largest number of receivers only)
     * @param with memory with them open, after the window (largest number only)
     */
    record Run(String side, int receivers, double openSeconds, double catchUpSeconds, double windowSeconds,
               long expected, long delivered, double perSecond, long p50Nanos, long p99Nanos, long maxNanos,
               int lost, int behind, int upstreamOpens,
               double machineCores, double brokerCores, double clientCores, double processCores,
               String busiestBrokerThreads, Optional<ProcessMemory> before, Optional<ProcessMemory> with) {
        /** Returns the window's events a second, as the reference stream saw them being made. */
        double madePerSecond() {
            return expected / windowSeconds;
        }
    }
}
