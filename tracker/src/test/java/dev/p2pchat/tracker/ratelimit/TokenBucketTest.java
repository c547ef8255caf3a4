package dev.p2pchat.tracker.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TokenBucketTest {
    private static final long START = 1_000_000L;

    private static int taken(TokenBucket bucket, double amount, long now, int attempts) {
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (bucket.tryTake(amount, now)) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    void shouldStartFullAndAllowTheBurstThenNothing() {
        TokenBucket bucket = new TokenBucket(10, 20, START);

        assertThat(bucket.has(20, START)).isTrue();
        assertThat(bucket.has(21, START)).isFalse();
        assertThat(taken(bucket, 1, START, 100)).isEqualTo(20);
        assertThat(bucket.has(1, START)).isFalse();
    }

    @Test
    void shouldRefillAtTheRateButNeverBeyondTheBurst() {
        TokenBucket bucket = new TokenBucket(500, 10, START); // half a token per millisecond
        taken(bucket, 1, START, 10);

        assertThat(bucket.tryTake(1, START + 1)).as("half a token").isFalse();
        assertThat(bucket.tryTake(1, START + 2)).as("one token after 2 ms at 500/s").isTrue();
        assertThat(taken(bucket, 1, START + 8, 100)).as("three more after another 6 ms").isEqualTo(3);
        assertThat(taken(bucket, 1, START + 1_000_000, 100)).as("a long pause refills only the burst")
                .isEqualTo(10);
    }

    @Test
    void shouldTakeNothingWhenRefusedOrWhenOnlyAsked() {
        TokenBucket bucket = new TokenBucket(1000, 2400, START);

        assertThat(bucket.tryTake(2000, START)).isTrue();
        assertThat(bucket.tryTake(500, START)).as("400 left").isFalse();
        assertThat(bucket.has(400, START)).isTrue();
        assertThat(bucket.has(400, START)).as("has takes nothing").isTrue();
        assertThat(bucket.tryTake(400, START)).as("the refusal took nothing either").isTrue();
        assertThat(bucket.has(0.5, START)).isFalse();
    }

    @Test
    void shouldRefillNothingWhenTheClockStepsBackwardsAndNotDoubleCountWhenItReturns() {
        TokenBucket bucket = new TokenBucket(500, 10, START);
        taken(bucket, 1, START, 10);

        assertThat(bucket.tryTake(1, START - 3_600_000)).as("an hour earlier").isFalse();
        assertThat(bucket.tryTake(1, START + 1)).as("the clock back, 1 ms on: half a token").isFalse();
        assertThat(taken(bucket, 1, START + 10, 100)).as("10 ms after the last reading that counted")
                .isEqualTo(5);
        // A backwards step after a forward one refills nothing and does not rewind the bucket's time either.
        assertThat(bucket.tryTake(1, START + 8)).isFalse();
        assertThat(bucket.tryTake(1, START + 11)).as("half a token from 10 to 11 ms").isFalse();
        assertThat(bucket.tryTake(1, START + 12)).isTrue();
    }
}
