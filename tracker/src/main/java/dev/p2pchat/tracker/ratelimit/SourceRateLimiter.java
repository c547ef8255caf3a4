package dev.p2pchat.tracker.ratelimit;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets keyed by a source key (see {@link SourceKeys}).
 *
 * <p>At most {@code maxSources} buckets are kept; the least recently seen source is forgotten first. A sender
 * that cycles through more keys than that only resets buckets to full, so the limiter fails open for honest
 * senders rather than growing without bound. Keys are {@code Long}s, which a hash map keeps in a balanced tree
 * when their hashes collide, so no choice of source addresses makes a lookup linear. Not thread-safe: owned by
 * the channel's event loop.
 */
public final class SourceRateLimiter {
    private final Clock clock;
    private final int perSecond;
    private final int burst;
    private final Map<Long, TokenBucket> buckets;

    /**
     * @param perSecond sustained requests per second per source; 0 disables limiting
     * @param burst how many requests a source may send at once after being idle
     */
    public SourceRateLimiter(Clock clock, int perSecond, int burst, int maxSources) {
        if (perSecond < 0 || burst < 1 || maxSources < 1) {
            throw new IllegalArgumentException("rate limits must be positive");
        }
        this.clock = clock;
        this.perSecond = perSecond;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, TokenBucket> eldest) {
                return size() > maxSources;
            }
        };
    }

    /** Takes one token for {@code source}; false when it has none left. */
    public boolean tryAcquire(long source) {
        if (perSecond == 0) {
            return true;
        }
        long now = clock.millis();
        return buckets.computeIfAbsent(source, key -> new TokenBucket(perSecond, burst, now)).tryTake(1, now);
    }

    public int trackedSources() {
        return buckets.size();
    }
}
