package io.execbroker.broker.bench;

import com.github.dockerjava.api.DockerClient;
import io.execbroker.broker.testing.ContainerProcesses;
import io.execbroker.broker.testing.TestController;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every part of the load bench stands on: the Docker client (for {@code ps} in {@code servertest}), a test
 * controller that grants any command, the broker process behind it and a bare WebSocket client of it that sends
 * the controller's good token. Its sessions run {@code cat - MARKER}, where MARKER is an empty file of this run in
 * the container's /tmp: {@code cat} echoes stdin, then reads the empty file and exits 0, and {@code ps} tells this
 * run's processes from anyone else's.
 */
final class LoadRig implements AutoCloseable {
    /** Sessions the broker allows beyond the bench's own: the checks' new sessions, a slow close of the last. */
    private static final int SPARE_SESSIONS = 64;

    final DockerClient docker;
    final TestController controller;
    final BrokerProcess broker;
    final RawWsSubject client;
    final String marker;

    private LoadRig(DockerClient docker, TestController controller, BrokerProcess broker, RawWsSubject client,
                    String marker) {
        this.docker = docker;
        this.controller = controller;
        this.broker = broker;
        this.client = client;
        this.marker = marker;
    }

    static LoadRig start(List<String> brokerJvm, int sessions, Progress progress) throws Exception {
        DockerClient docker = Preflight.check();
        TestController controller = null;
        BrokerProcess broker = null;
        RawWsSubject client = null;
        try {
            controller = TestController.start();
            broker = BrokerProcess.start(brokerJvm, controller.url(), sessions + SPARE_SESSIONS);
            client = RawWsSubject.connect(broker.port(), TestController.GOOD_TOKEN, 2 * sessions + SPARE_SESSIONS);
            String marker = "/tmp/bench-load-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
            BenchException.check(client.start(List.of("touch", marker), false, chunk -> { }).awaitExit() == 0,
                "touch " + marker + " in servertest failed");
            progress.say("broker pid " + broker.pid() + " on port " + broker.port() + ", JVM flags " + brokerJvm);
            return new LoadRig(docker, controller, broker, client, marker);
        } catch (Exception e) {
            closeAll(client, broker, controller);
            docker.close();
            throw e;
        }
    }

    /** The command of an interactive session: {@code cat - MARKER}. */
    List<String> cat() {
        return List.of("cat", "-", marker);
    }

    /** This run's processes still in the container: {@code ps} rows naming the marker (none of them a ps). */
    List<ContainerProcesses.Row> survivors() {
        return ContainerProcesses.mentioning(docker, marker);
    }

    @Override
    public void close() throws Exception {
        try {
            client.start(List.of("rm", "-f", marker), false, chunk -> { }).awaitExit();
        } catch (Exception e) {
            // an empty file left in the container's /tmp is no reason to fail a run that measured everything
            System.err.println("bench: could not remove " + marker + " in servertest: " + e.getMessage());
        } finally {
            closeAll(client, broker, controller);
            docker.close();
        }
    }

    private static void closeAll(AutoCloseable... all) throws Exception {
        Exception first = null;
        for (AutoCloseable c : all) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
