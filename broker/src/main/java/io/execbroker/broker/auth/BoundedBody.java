package io.execbroker.broker.auth;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import io.vertx.ext.web.codec.BodyCodec;
import io.vertx.ext.web.codec.spi.BodyStream;

/**
 * A response body codec that keeps at most {@code maxBytes} and fails past it, so a controller that answers with
 * megabytes cannot grow the broker's memory (WebClient's own codecs buffer everything).
 */
final class BoundedBody implements BodyStream<Buffer> {
    /** Thrown when the body is larger than allowed. */
    static final class TooLarge extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooLarge(int maxBytes) {
            super("body larger than " + maxBytes + " bytes", null, false, false);
        }
    }

    private final int maxBytes;
    private final Buffer body = Buffer.buffer();
    private final Promise<Buffer> result = Promise.promise();

    private BoundedBody(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    static BodyCodec<Buffer> codec(int maxBytes) {
        return () -> new BoundedBody(maxBytes);
    }

    @Override
    public Future<Buffer> result() {
        return result.future();
    }

    @Override
    public void handle(Throwable failure) {
        result.tryFail(failure);
    }

    @Override
    public Future<Void> write(Buffer data) {
        if (body.length() + data.length() > maxBytes) {
            result.tryFail(new TooLarge(maxBytes));
            return Future.failedFuture(new TooLarge(maxBytes));
        }
        body.appendBuffer(data);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
        result.tryComplete(body);
        return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        return this;
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        return this;
    }
}
