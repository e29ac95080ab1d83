package io.execbroker.broker.bench;

import io.execbroker.broker.Broker;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.impl.VertxThread;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxThreadFactory;
import io.vertx.core.transport.Transport;

import java.util.concurrent.TimeUnit;

/**
 * A Vertx instance whose threads (event loops, worker and internal pools, named worker executors) all carry a
 * prefix, so that {@link ThreadCpu} can tell the broker's threads from the bench client's. Vert.x 5 has no public
 * option for thread names, hence its internal bootstrap. The options and transport are the broker's own
 * ({@link Broker#vertxOptions()}), for the broker, the direct client and the bench's WebSocket client alike.
 */
final class NamedVertx {
    private NamedVertx() {
    }

    static Vertx create(String threadPrefix) {
        VertxThreadFactory named = new VertxThreadFactory() {
            @Override
            public VertxThread newVertxThread(Runnable target, String name, boolean worker, long maxExecTime,
                                              TimeUnit maxExecTimeUnit) {
                return new VertxThread(target, threadPrefix + name, worker, maxExecTime, maxExecTimeUnit);
            }
        };
        // VertxBootstrap does not read preferNativeTransport itself: pick the transport as Vertx.builder() does.
        VertxOptions options = Broker.vertxOptions();
        Transport transport = options.getPreferNativeTransport() ? Transport.nativeTransport() : null;
        return VertxBootstrap.create().options(options)
            .transport((transport == null ? Transport.NIO : transport).implementation())
            .threadFactory(named).init().vertx();
    }
}
