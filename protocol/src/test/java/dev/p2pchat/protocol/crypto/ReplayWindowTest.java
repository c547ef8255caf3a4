package dev.p2pchat.protocol.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    private final ReplayWindow window = new ReplayWindow(Long.MAX_VALUE, ReplayWindow.LINK_BLOCKS);

    @Test
    void shouldAcceptEachCounterOnceInOrder() {
        for (long counter = 0; counter < 10_000; counter++) {
            assertThat(window.accept(counter)).as("counter %d", counter).isTrue();
            assertThat(window.accept(counter)).as("counter %d again", counter).isFalse();
        }
    }

    @Test
    void shouldAcceptEveryCounterOfAShuffledWindowOnceAndRefuseEveryReplay() {
        List<Long> counters = new ArrayList<>();
        for (long counter = 0; counter <= window.size(); counter++) {
            counters.add(counter);
        }
        Collections.shuffle(counters, new Random(11));
        window.accept(window.size()); // the newest first: every other one is behind it, but in the window
        for (long counter : counters) {
            assertThat(window.accept(counter)).as("counter %d", counter).isEqualTo(counter != window.size());
        }
        for (long counter : counters) {
            assertThat(window.mayAccept(counter)).as("replayed counter %d", counter).isFalse();
        }
    }

    @Test
    void shouldRefuseACounterOlderThanTheWindow() {
        window.accept(20_000);

        assertThat(window.mayAccept(20_000 - window.size())).isTrue();
        assertThat(window.accept(20_000 - window.size() - 1)).isFalse();
        assertThat(window.accept(0)).isFalse();
        assertThat(window.accept(19_999)).isTrue();
    }

    @Test
    void shouldForgetWhatItSawWhenItSlidesForward() {
        window.accept(5);
        window.accept(6);

        assertThat(window.accept(5 + 64 * 130)).as("a jump over the whole ring").isTrue();
        assertThat(window.accept(6 + 64 * 129)).as("the slot 6 used, cleared and in the window again").isTrue();
        assertThat(window.accept(6)).as("far behind now").isFalse();
    }

    @Test
    void shouldNeverAcceptACounterAtOrBeyondTheLimit() {
        ReplayWindow limited = new ReplayWindow(100, ReplayWindow.LINK_BLOCKS);

        assertThat(limited.accept(99)).isTrue();
        assertThat(limited.accept(100)).isFalse();
        assertThat(limited.accept(-1)).as("2^64 - 1, unsigned").isFalse();
    }

    @Test
    void shouldHoldAsManyCountersAsItsRingAllows() {
        ReplayWindow small = new ReplayWindow(Long.MAX_VALUE, 2);
        small.accept(1_000);

        assertThat(small.size()).isEqualTo(64);
        assertThat(small.accept(1_000 - 64)).isTrue();
        assertThat(small.accept(1_000 - 65)).as("behind the window").isFalse();
    }

    @Test
    void shouldChangeNothingWhenOnlyAsked() {
        assertThat(window.mayAccept(7)).isTrue();
        assertThat(window.mayAccept(7)).isTrue();
        assertThat(window.accept(7)).isTrue();
        assertThat(window.mayAccept(7)).isFalse();
    }
}
