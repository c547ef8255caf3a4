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
    private final double perMillis;
    private final double burst;
    private final Map<Long, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long lastMillis;
    }

    /**
     * @param perSecond sustained requests per second per source; 0 disables limiting
     * @param burst how many requests a source may send at once after being idle
     */
    public SourceRateLimiter(Clock clock, int perSecond, int burst, int maxSources) {
        if (perSecond < 0 || burst < 1 || maxSources < 1) {
            throw new IllegalArgumentException("rate limits must be positive");
        }
        this.clock = clock;
        this.perMillis = perSecond / 1000.0;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, Bucket> eldest) {
                return size() > maxSources;
            }
        };
    }

    /** Takes one token for {@code source}; false when it has none left. */
    public boolean tryAcquire(long source) {
        if (perMillis == 0) {
            return true;
        }
        long now = clock.millis();
        Bucket bucket = buckets.get(source);
        if (bucket == null) {
            bucket = new Bucket();
            bucket.tokens = burst;
            bucket.lastMillis = now;
            buckets.put(source, bucket);
        } else {
            // A clock stepped backwards refills nothing rather than draining every bucket.
            bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.lastMillis) * perMillis);
            bucket.lastMillis = now;
        }
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }

    public int trackedSources() {
        return buckets.size();
    }
}
