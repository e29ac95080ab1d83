package io.execbroker.broker.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP proxy to a local port that can make the network vanish: after {@link #freeze()} it forwards nothing in
 * either direction and reads nothing more, and keeps both sockets open, so that neither end sees a FIN or a reset.
 * To the broker it is a client whose machine went away mid-session (a half-open connection): its writes are taken
 * until the proxy's buffers are full, and nothing ever comes back, not even a pong. Two threads per connection.
 * Thread safe.
 */
public final class FreezingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile boolean frozen;

    private FreezingProxy(ServerSocket server, int targetPort) {
        this.server = server;
        this.targetPort = targetPort;
    }

    /** Starts a proxy on a free port of 127.0.0.1 to {@code targetPort} of 127.0.0.1. */
    public static FreezingProxy start(int targetPort) throws IOException {
        FreezingProxy proxy = new FreezingProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), targetPort);
        Thread acceptor = new Thread(proxy::accept, "freezing-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** From now on nothing goes through, either way; the sockets stay open until {@link #close()}. */
    public void freeze() {
        frozen = true;
    }

    private void accept() {
        try {
            while (!server.isClosed()) {
                Socket client = server.accept();
                Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(target);
                pump(client, target, "up");
                pump(target, client, "down");
            }
        } catch (IOException e) {
            // the proxy was closed: the end of the test
        }
    }

    private void pump(Socket from, Socket to, String direction) {
        Thread pump = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try {
                // Not closed here: closing a socket's stream closes the socket, and a frozen one must stay open.
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (frozen) {
                        closed.await(); // what was read is lost with the network; nothing more is read
                        return;
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // one side closed, or the proxy did
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "freezing-proxy-" + direction);
        pump.setDaemon(true);
        pump.start();
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
