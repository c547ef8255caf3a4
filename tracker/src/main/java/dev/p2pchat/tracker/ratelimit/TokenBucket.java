package dev.p2pchat.tracker.ratelimit;

/**
 * A token bucket on a millisecond clock the caller reads: up to {@code burst} tokens, refilled at {@code perMillis}.
 * Not thread-safe.
 */
public final class TokenBucket {
    private final double perMillis;
    private final double burst;
    private double tokens;
    private long lastMillis;

    /** A full bucket at {@code nowMillis}. */
    public TokenBucket(double perSecond, double burst, long nowMillis) {
        this.perMillis = perSecond / 1000.0;
        this.burst = burst;
        this.tokens = burst;
        this.lastMillis = nowMillis;
    }

    /** Takes {@code amount} tokens if there are that many; false, taking none, if not. */
    public boolean tryTake(double amount, long nowMillis) {
        refill(nowMillis);
        if (tokens < amount) {
            return false;
        }
        tokens -= amount;
        return true;
    }

    /** Whether {@code amount} tokens are there now, taking none. */
    public boolean has(double amount, long nowMillis) {
        refill(nowMillis);
        return tokens >= amount;
    }

    private void refill(long nowMillis) {
        // A clock stepped backwards refills nothing rather than draining the bucket.
        tokens = Math.min(burst, tokens + Math.max(0, nowMillis - lastMillis) * perMillis);
        lastMillis = Math.max(lastMillis, nowMillis);
    }
}
