package io.execbroker.broker.bench;

import io.vertx.core.buffer.Buffer;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The measurements of {@link Subject}, for any transport that runs a {@link BenchExec}. */
abstract class ExecSubject implements Subject {
    /** Starts {@code argv} in servertest; returns at once. {@code stdout} may use a chunk during the call only. */
    protected abstract BenchExec start(List<String> argv, boolean tty, Consumer<Buffer> stdout);

    @Override
    public Transfer stdout(long bytes, boolean tty) throws Exception {
        ChunkCounter counter = new ChunkCounter(bytes, false);
        BenchExec exec = start(List.of("head", "-c", Long.toString(bytes), "/dev/zero"), tty, counter::add);
        int code = exec.awaitExit();
        // The exit code completes on the event loop after the last output: counter's fields are visible here.
        BenchException.check(counter.total == bytes && code == 0, name() + " stdout (tty " + tty + "): read "
            + counter.total + " bytes, expected " + bytes + "; exit code " + code + " " + exec.otherOutput());
        return counter.transfer();
    }

    @Override
    public Transfer echo(Payload payload) throws Exception {
        ChunkCounter counter = new ChunkCounter(payload.bytes.length, true);
        BenchExec exec = start(List.of("cat"), false, counter::add);
        exec.awaitStarted();
        long start = System.nanoTime();
        exec.writeAllThenEnd(payload.bytes);
        int code = exec.awaitExit();
        payload.verify(name(), counter.total, counter.crc.getValue());
        BenchException.check(code == 0, name() + " echo: cat exited with " + code);
        return new Transfer(counter.total, counter.last - start);
    }

    @Override
    public long setupTrue() throws Exception {
        long start = System.nanoTime();
        BenchExec exec = start(List.of("true"), false, chunk -> { });
        int code;
        try {
            code = exec.exitCode().get(BenchExec.TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            exec.abort();
            throw e;
        }
        long elapsed = System.nanoTime() - start;
        exec.finish();
        BenchException.check(code == 0, name() + ": true exited with " + code + " " + exec.otherOutput());
        return elapsed;
    }

    @Override
    public Echo openEcho() throws Exception {
        return openEcho(List.of("cat"));
    }

    /** Opens {@code argv}, a {@code cat} of stdin (tty off), for byte round trips; its exec stays reachable. */
    EchoSession openEcho(List<String> argv) throws Exception {
        BlockingQueue<Buffer> back = new LinkedBlockingQueue<>();
        // a chunk is valid during the call only (the direct client's are released after it): keep a copy
        BenchExec exec = start(argv, false, chunk -> back.add(chunk.copy()));
        exec.awaitStarted();
        return new EchoSession(name(), exec, back);
    }

    /** One open {@code cat} of {@link #openEcho(List)}, and its exec (to drop or stall it). */
    static final class EchoSession implements Echo {
        private final String name;
        private final BenchExec exec;
        private final BlockingQueue<Buffer> back;

        private EchoSession(String name, BenchExec exec, BlockingQueue<Buffer> back) {
            this.name = name;
            this.exec = exec;
            this.back = back;
        }

        BenchExec exec() {
            return exec;
        }

        @Override
        public long roundTrip(byte b) throws Exception {
            long start = System.nanoTime();
            exec.write(b);
            Buffer got = back.poll(30, TimeUnit.SECONDS);
            long elapsed = System.nanoTime() - start;
            BenchException.check(got != null && got.length() == 1 && got.getByte(0) == b,
                name + " round trip: sent " + (b & 0xff) + ", got " + got);
            return elapsed;
        }

        @Override
        public void close() throws Exception {
            exec.endStdin();
            BenchException.check(exec.awaitExit() == 0, name + " round trip: cat failed");
            BenchException.check(back.isEmpty(), name + " round trip: extra output");
        }
    }
}
