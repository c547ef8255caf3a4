package dev.p2pchat.tracker.ratelimit;

import java.net.InetAddress;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A token bucket per source IP address, checked before a datagram is even decoded.
 *
 * <p>At most {@code maxSources} buckets are kept; the least recently seen source is forgotten first. A sender
 * that cycles through more addresses than that only resets buckets to full, so the limiter fails open for
 * honest senders rather than growing without bound. Not thread-safe: owned by the channel's event loop.
 */
public final class SourceRateLimiter {
    private final Clock clock;
    private final double perMillis;
    private final double burst;
    private final Map<InetAddress, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long lastMillis;
    }

    /**
     * @param perSecond sustained datagrams per second per source; 0 disables limiting
     * @param burst how many datagrams a source may send at once after being idle
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
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
                return size() > maxSources;
            }
        };
    }

    /** Takes one token for {@code source}; false when it has none left. */
    public boolean tryAcquire(InetAddress source) {
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
            bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.lastMillis) * perMillis);
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
