package io.execbroker.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ResizeCoalescerTest {
    /** The calls made to Docker, as "rows x cols", with the promise that answers each. */
    private final List<String> calls = new ArrayList<>();
    private final List<Promise<Void>> answers = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final ResizeCoalescer resizes = new ResizeCoalescer(e -> failures.add(e.getMessage()));

    private Future<Void> docker(int rows, int cols) {
        calls.add(rows + "x" + cols);
        Promise<Void> answer = Promise.promise();
        answers.add(answer);
        return answer.future();
    }

    @AfterEach
    void nothingElseHappened() {
        assertThat(calls).isEmpty();
        assertThat(failures).isEmpty();
    }

    @Test
    void aResizeWhileNoneIsInFlightIsSentAtOnce() {
        resizes.start(this::docker);
        resizes.resize(24, 80);
        assertThat(take()).containsExactly("24x80");
    }

    @Test
    void resizesWhileOneIsInFlightWaitAndOnlyTheLatestIsSent() {
        resizes.start(this::docker);
        resizes.resize(24, 80);
        for (int i = 0; i < 100_000; i++) {
            resizes.resize(10 + i % 200, 20 + i % 300);
        }
        assertThat(take()).containsExactly("24x80");
        answer(0).complete();
        assertThat(take()).containsExactly("209x119");
        answer(1).complete();
        assertThat(take()).isEmpty();
    }

    @Test
    void sizesBeforeTheStartAreHeldAndOnlyTheLatestIsSent() {
        resizes.resize(24, 80);
        resizes.resize(33, 120);
        assertThat(take()).isEmpty();
        resizes.start(this::docker);
        assertThat(take()).containsExactly("33x120");
    }

    @Test
    void nothingIsSentAtTheStartWhenNoSizeWasGiven() {
        resizes.start(this::docker);
        assertThat(take()).isEmpty();
    }

    @Test
    void aFailedCallIsReportedAndTheWaitingSizeIsStillSent() {
        resizes.start(this::docker);
        resizes.resize(24, 80);
        resizes.resize(40, 100);
        take();
        answer(0).fail("no such exec");
        assertThat(failures).containsExactly("no such exec");
        failures.clear();
        assertThat(take()).containsExactly("40x100");
    }

    @Test
    void aResizeAfterTheCallCompletedIsSentAtOnce() {
        resizes.start(this::docker);
        resizes.resize(24, 80);
        answer(0).complete();
        resizes.resize(25, 81);
        assertThat(take()).containsExactly("24x80", "25x81");
    }

    private Promise<Void> answer(int call) {
        return answers.get(call);
    }

    private List<String> take() {
        List<String> taken = new ArrayList<>(calls);
        calls.clear();
        return taken;
    }
}
