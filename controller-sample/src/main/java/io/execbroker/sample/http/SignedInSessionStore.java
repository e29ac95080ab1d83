package io.execbroker.sample.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.sstore.SessionStore;

import java.util.Objects;

/**
 * A session store that keeps signed-in sessions only: {@link #put} of a session without a user is a no-op. The lazy
 * {@code SessionHandler} already skips sessions no handler touched; this is the guarantee behind it, so that no
 * handler, present or future, can make an anonymous visitor cost the server memory. Thread safe if the delegate is.
 */
final class SignedInSessionStore implements SessionStore {
    private final SessionStore delegate;

    SignedInSessionStore(SessionStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public SessionStore init(Vertx vertx, JsonObject options) {
        delegate.init(vertx, options);
        return this;
    }

    @Override
    public long retryTimeout() {
        return delegate.retryTimeout();
    }

    @Override
    public Session createSession(long timeout) {
        return delegate.createSession(timeout);
    }

    @Override
    public Session createSession(long timeout, int length) {
        return delegate.createSession(timeout, length);
    }

    @Override
    public Future<Session> get(String cookieValue) {
        return delegate.get(cookieValue);
    }

    @Override
    public Future<Void> delete(String id) {
        return delegate.delete(id);
    }

    @Override
    public Future<Void> put(Session session) {
        return session.get(SessionKeys.USER) == null ? Future.succeededFuture() : delegate.put(session);
    }

    @Override
    public Future<Void> clear() {
        return delegate.clear();
    }

    @Override
    public Future<Integer> size() {
        return delegate.size();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
