package io.execbroker.broker.policy;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * Answers repeated lookups of one container from one Docker inspect for a short while ({@link #TTL}), and makes
 * handshakes that ask about the same container at once share one call: a burst of sessions into one container
 * costs Docker one inspect, and a session's setup no inspect at all when one was made in the last second. An answer
 * used when it is past half its TTL is refreshed in the background (one refresh at a time), so a container in
 * steady use is never waited for, and no answer used is older than the TTL.
 *
 * <p>Only answers that found a container are kept. "Not found" and Docker's failures are asked again next time, so
 * a container just created is found at once and an outage ends when Docker is back. What a kept answer can get
 * wrong is bounded by the TTL: a container's labels never change while it exists, and its id is what the exec
 * runs in, so a name that moved to another container in the last second still leads to the container the policy
 * checked, under the name it had then; a stopped one fails at exec create. At most {@link #MAX_ENTRIES} names are
 * kept; past that the cache is emptied, so grants naming many containers cannot grow it. Thread safe.
 */
public final class CachedContainerLookup implements ContainerLookup {
    /** How long one answer is used. */
    public static final Duration TTL = Duration.ofSeconds(1);
    static final int MAX_ENTRIES = 1024;

    private record Entry(Future<ContainerInfo> answer, long askedAt, AtomicBoolean refreshing) {
        Entry(Future<ContainerInfo> answer, long askedAt) {
            this(answer, askedAt, new AtomicBoolean());
        }
    }

    private final ContainerLookup docker;
    private final LongSupplier nanoTime;
    private final long ttlNanos;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public CachedContainerLookup(ContainerLookup docker) {
        this(docker, TTL, System::nanoTime);
    }

    CachedContainerLookup(ContainerLookup docker, Duration ttl, LongSupplier nanoTime) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    @Override
    public Future<ContainerInfo> lookup(String nameOrId) {
        long now = nanoTime.getAsLong();
        Entry kept = entries.get(nameOrId);
        if (kept != null && now - kept.askedAt() < ttlNanos && !kept.answer().failed()) {
            if (now - kept.askedAt() > ttlNanos / 2 && kept.answer().succeeded()
                    && kept.refreshing().compareAndSet(false, true)) {
                ask(nameOrId, now, kept);
            }
            return kept.answer();
        }
        return ask(nameOrId, now, null).answer();
    }

    /** Asks Docker; a refresh ({@code replacing} set) takes the place of that entry only once it has an answer. */
    private Entry ask(String nameOrId, long now, Entry replacing) {
        if (entries.size() >= MAX_ENTRIES) {
            entries.clear();
        }
        Entry asked = new Entry(docker.lookup(nameOrId), now);
        if (replacing == null) {
            entries.put(nameOrId, asked);
            asked.answer().onFailure(e -> entries.remove(nameOrId, asked));
        } else {
            // A failed refresh leaves the kept answer to its TTL; the next use after that asks again.
            asked.answer().onSuccess(info -> entries.replace(nameOrId, replacing, asked));
        }
        return asked;
    }
}
