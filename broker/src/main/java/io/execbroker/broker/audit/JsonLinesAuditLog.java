package io.execbroker.broker.audit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log as JSON lines in a file (appended) or on stdout, written by one daemon thread of its own so that
 * file I/O never runs on an event loop. The queue is bounded: if the disk cannot keep up, records are dropped and
 * counted, and the count is logged, rather than the broker's memory growing. Thread safe.
 */
public final class JsonLinesAuditLog implements AuditLog, AutoCloseable {
    /** Records waiting to be written at most (DoS protection against a stalled disk). */
    public static final int QUEUE_SIZE = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(JsonLinesAuditLog.class);

    private final BlockingQueue<AuditRecord> queue = new ArrayBlockingQueue<>(QUEUE_SIZE);
    private final AtomicLong dropped = new AtomicLong();
    private final Writer out;
    private final Thread writer;
    private volatile boolean closed;

    private JsonLinesAuditLog(Writer out) {
        this.out = out;
        this.writer = new Thread(this::drain, "audit-log");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Appends to {@code file}, creating it (mode of the umask) if it does not exist. */
    public static JsonLinesAuditLog toFile(Path file) throws IOException {
        return new JsonLinesAuditLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
    }

    /** Writes to {@code stream}, like {@code System.out}. */
    public static JsonLinesAuditLog toStream(OutputStream stream) {
        return new JsonLinesAuditLog(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
    }

    @Override
    public void record(AuditRecord record) {
        if (closed || !queue.offer(record)) {
            dropped.incrementAndGet();
        }
    }

    /** Returns how many records were dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        long reported = 0;
        while (!closed || !queue.isEmpty()) {
            try {
                AuditRecord record = queue.poll(200, TimeUnit.MILLISECONDS);
                if (record != null) {
                    out.write(record.toJson());
                    out.write('\n');
                }
                if (queue.isEmpty()) {
                    out.flush();
                }
                long lost = dropped.get();
                if (lost != reported) {
                    LOG.warn("audit log: {} records dropped, the writer cannot keep up", lost - reported);
                    reported = lost;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException e) {
                LOG.error("audit log: cannot write: {}", e.getMessage());
            }
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        writer.join(TimeUnit.SECONDS.toMillis(10));
        out.flush();
    }
}
