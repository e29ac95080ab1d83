package io.execbroker.broker.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

class CachedContainerLookupTest {
    private static final Duration TTL = Duration.ofSeconds(1);

    /** Answers each lookup with a promise the test completes; records what it was asked. */
    private final List<String> asked = new ArrayList<>();
    private final List<Promise<ContainerInfo>> pending = new ArrayList<>();
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final CachedContainerLookup cache = new CachedContainerLookup(name -> {
        asked.add(name);
        Promise<ContainerInfo> answer = Promise.promise();
        pending.add(answer);
        return answer.future();
    }, TTL, now::get);

    private static ContainerInfo web() {
        return new ContainerInfo("0123abcd", "web", Map.of("team", "a"), true);
    }

    @Test
    void aFoundContainerIsAnsweredFromOneInspectForHalfItsTtlAndAskedAgainAfterIt() {
        Future<ContainerInfo> first = cache.lookup("web");
        pending.get(0).complete(web());
        now.addAndGet(TTL.toNanos() / 2);
        Future<ContainerInfo> second = cache.lookup("web");

        assertThat(second.result()).isEqualTo(first.result());
        assertThat(asked).containsExactly("web");

        now.addAndGet(TTL.toNanos() / 2);
        cache.lookup("web");
        assertThat(asked).containsExactly("web", "web");
    }

    @Test
    void anAnswerPastHalfItsTtlIsRefreshedInTheBackgroundOnceAndReplacedWhenTheRefreshAnswers() {
        cache.lookup("web");
        pending.get(0).complete(web());
        now.addAndGet(TTL.toNanos() / 2 + 1);

        Future<ContainerInfo> used = cache.lookup("web");
        assertThat(used.result()).isEqualTo(web()); // not waited for
        cache.lookup("web");
        assertThat(asked).containsExactly("web", "web"); // one refresh at a time

        ContainerInfo relabelled = new ContainerInfo("0123abcd", "web", Map.of("team", "b"), true);
        pending.get(1).complete(relabelled);
        now.addAndGet(TTL.toNanos() / 2); // the first answer is past its TTL; the refresh is not
        assertThat(cache.lookup("web").result()).isEqualTo(relabelled);
        assertThat(asked).hasSize(2);
    }

    @Test
    void aFailedRefreshLeavesTheAnswerToItsTtlAndThenDockerIsAskedAgain() {
        cache.lookup("web");
        pending.get(0).complete(web());
        now.addAndGet(TTL.toNanos() / 2 + 1);
        cache.lookup("web");
        pending.get(1).fail(new IllegalStateException("Docker is not reachable"));

        assertThat(cache.lookup("web").result()).isEqualTo(web());
        now.addAndGet(TTL.toNanos() / 2);
        Future<ContainerInfo> after = cache.lookup("web");
        assertThat(after.isComplete()).isFalse();
        assertThat(asked).hasSize(3);
    }

    @Test
    void lookupsOfOneContainerAtOnceShareOneInspect() {
        Future<ContainerInfo> a = cache.lookup("web");
        Future<ContainerInfo> b = cache.lookup("web");
        Future<ContainerInfo> other = cache.lookup("db");
        assertThat(asked).containsExactly("web", "db");

        pending.get(0).complete(web());
        assertThat(a.result()).isSameAs(b.result());
        assertThat(other.isComplete()).isFalse();
    }

    @Test
    void notFoundAndDockerFailuresAreAskedAgainAtOnce() {
        Future<ContainerInfo> missing = cache.lookup("new");
        pending.get(0).fail(new ContainerNotFoundException("new"));
        assertThat(missing.cause()).isInstanceOf(ContainerNotFoundException.class);

        // Created a moment later: found at once, not a second later.
        Future<ContainerInfo> created = cache.lookup("new");
        assertThat(asked).containsExactly("new", "new");
        pending.get(1).fail(new IllegalStateException("Docker is not reachable"));
        assertThat(created.failed()).isTrue();

        cache.lookup("new");
        assertThat(asked).hasSize(3);
    }

    @Test
    void aLookupThatFailsWhileOthersWaitForItIsNotKept() {
        Future<ContainerInfo> a = cache.lookup("web");
        Future<ContainerInfo> b = cache.lookup("web");
        pending.get(0).fail(new IllegalStateException("Docker is not reachable"));
        assertThat(a.failed()).isTrue();
        assertThat(b.failed()).isTrue();

        cache.lookup("web");
        assertThat(asked).containsExactly("web", "web");
    }

    @Test
    void grantsNamingManyContainersCannotGrowItPastItsBound() {
        for (int i = 0; i < CachedContainerLookup.MAX_ENTRIES; i++) {
            cache.lookup("c" + i);
            pending.get(i).complete(web());
        }
        cache.lookup("c0");
        assertThat(asked).hasSize(CachedContainerLookup.MAX_ENTRIES); // still kept

        cache.lookup("one-more"); // full: emptied first
        cache.lookup("c0");
        assertThat(asked).hasSize(CachedContainerLookup.MAX_ENTRIES + 2).endsWith("one-more", "c0");
    }
}
