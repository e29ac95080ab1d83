package io.execbroker.broker.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A controller that reads every request and never answers, and counts exactly how many calls it holds at once: a
 * call is a connection that has sent request bytes and is not closed (a connection the broker opened and sent
 * nothing on is idle, not a call). The count is the kernel's, not an event loop's guess: each time a request
 * arrives, every connection held before is read to see whether the broker has closed it (a read of -1, or a
 * reset), and only the calls still open count with the new one. On loopback a close's FIN is in the socket
 * before the close call returns, so a broker that closes a call before it sends the next is never counted twice,
 * and one that sends first always is. One thread of its own. Thread safe.
 */
public final class StallingController implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Selector selector;
    private final Thread thread;
    private final List<SocketChannel> held = new ArrayList<>();
    private final Set<SocketChannel> calling = new HashSet<>();
    private final ByteBuffer discard = ByteBuffer.allocate(16 * 1024);
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger mostOpen = new AtomicInteger();
    private final AtomicInteger connections = new AtomicInteger();

    private StallingController() throws IOException {
        server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress("127.0.0.1", 0), 4096);
        server.configureBlocking(false);
        selector = Selector.open();
        server.register(selector, SelectionKey.OP_ACCEPT);
        thread = new Thread(this::serve, "stalling-controller");
        thread.setDaemon(true);
    }

    /** Starts one on a free port of 127.0.0.1. */
    public static StallingController start() throws IOException {
        StallingController controller = new StallingController();
        controller.thread.start();
        return controller;
    }

    private void serve() {
        try {
            while (selector.isOpen()) {
                selector.select();
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove();
                    if (key.isValid() && key.isAcceptable()) {
                        accept();
                    } else if (key.isValid() && key.isReadable()) {
                        read((SocketChannel) key.channel());
                    }
                }
            }
        } catch (IOException | java.nio.channels.ClosedSelectorException e) {
            // closed: the end of the test
        }
    }

    private void accept() throws IOException {
        SocketChannel connection;
        while ((connection = server.accept()) != null) {
            connection.configureBlocking(false);
            connection.register(selector, SelectionKey.OP_READ);
            held.add(connection);
        }
    }

    private void read(SocketChannel connection) {
        int read = drain(connection);
        if (read < 0) {
            forget(connection);
        } else if (read > 0 && !calling.contains(connection)) {
            for (SocketChannel before : List.copyOf(held)) {
                if (before != connection && drain(before) < 0) {
                    forget(before);
                }
            }
            calling.add(connection);
            connections.incrementAndGet();
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
        }
    }

    /** Reads and drops what {@code connection} sent; returns the bytes read, or -1 once the broker closed it. */
    private int drain(SocketChannel connection) {
        try {
            int total = 0;
            int n;
            do {
                discard.clear();
                n = connection.read(discard);
                total += Math.max(0, n);
            } while (n > 0);
            return n < 0 ? -1 : total;
        } catch (IOException e) {
            return -1; // reset
        }
    }

    private void forget(SocketChannel call) {
        held.remove(call);
        if (calling.remove(call)) {
            open.decrementAndGet();
        }
        try {
            call.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Returns the controller URL to configure, like {@code http://127.0.0.1:4711/controller}. */
    public String url() {
        return "http://127.0.0.1:" + server.socket().getLocalPort() + "/controller";
    }

    /** Returns the calls held now: those the broker has not closed, as of the last event seen. */
    public int open() {
        return open.get();
    }

    /** Returns the connections open now, calls or idle, as of the last event seen. */
    public int connectionsOpen() {
        return held.size();
    }

    /** Returns the most calls ever held at once. */
    public int mostOpen() {
        return mostOpen.get();
    }

    /** Returns the calls received so far. */
    public int connections() {
        return connections.get();
    }

    @Override
    public void close() throws Exception {
        selector.close();
        thread.join(10_000);
        server.close();
        for (SocketChannel call : held) {
            call.close();
        }
    }
}
