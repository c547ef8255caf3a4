package dev.p2pchat.tracker.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SourceCountsTest {
    @Test
    void shouldCountUpAndDownAndForgetAKeyAtZero() {
        SourceCounts counts = new SourceCounts(1);

        counts.increment(7);
        counts.increment(7);
        counts.increment(0); // any key, 0 too: a free slot is told by its count
        counts.decrement(99); // never counted: nothing happens

        assertThat(counts.get(7)).isEqualTo(2);
        assertThat(counts.get(0)).isEqualTo(1);
        assertThat(counts.get(99)).isZero();
        counts.decrement(7);
        counts.decrement(7);
        counts.decrement(7);
        assertThat(counts.get(7)).isZero();
        assertThat(counts.get(0)).isEqualTo(1);
    }

    @Test
    void shouldAgreeWithAMapThroughGrowingShrinkingAndCollidingKeys() {
        SourceCounts counts = new SourceCounts(42);
        Map<Long, Integer> model = new HashMap<>();
        Random ops = new Random(3);
        for (int round = 0; round < 4; round++) {
            // Up to thousands of keys, then back to none: the table grows and shrinks every round. The keys differ only
            // in their high bits, as the IPv6 prefixes of one allocation do.
            for (int i = 0; i < 50_000; i++) {
                long key = (long) ops.nextInt(round % 2 == 0 ? 5_000 : 50) << 40;
                if (ops.nextInt(3) == 0) {
                    counts.decrement(key);
                    model.computeIfPresent(key, (k, count) -> count == 1 ? null : count - 1);
                } else {
                    counts.increment(key);
                    model.merge(key, 1, Integer::sum);
                }
            }
            model.forEach((key, count) -> assertThat(counts.get(key)).as("key %x", key).isEqualTo(count));
            for (Map.Entry<Long, Integer> entry : Map.copyOf(model).entrySet()) {
                for (int i = 0; i < entry.getValue(); i++) {
                    counts.decrement(entry.getKey());
                }
            }
            model.clear();
            for (int i = 0; i < 5_000; i++) {
                assertThat(counts.get((long) i << 40)).isZero();
            }
        }
    }
}
