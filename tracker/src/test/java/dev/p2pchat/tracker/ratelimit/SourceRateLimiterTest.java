package dev.p2pchat.tracker.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.testsupport.MutableClock;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SourceRateLimiterTest {
    private final MutableClock clock = new MutableClock();

    private static InetAddress ip(String address) throws Exception {
        return InetAddress.getByName(address);
    }

    private static int acquired(SourceRateLimiter limiter, InetAddress source, int attempts) {
        int granted = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.tryAcquire(source)) {
                granted++;
            }
        }
        return granted;
    }

    @Test
    void shouldAllowABurstThenTheSustainedRate() throws Exception {
        SourceRateLimiter limiter = new SourceRateLimiter(clock, 10, 20, 100);
        InetAddress source = ip("198.51.100.1");

        assertThat(acquired(limiter, source, 100)).isEqualTo(20);
        clock.advance(Duration.ofSeconds(1));
        assertThat(acquired(limiter, source, 100)).isEqualTo(10);
    }

    @Test
    void shouldLimitEachSourceSeparately() throws Exception {
        SourceRateLimiter limiter = new SourceRateLimiter(clock, 10, 5, 100);

        assertThat(acquired(limiter, ip("198.51.100.1"), 50)).isEqualTo(5);
        assertThat(acquired(limiter, ip("198.51.100.2"), 50)).isEqualTo(5);
    }

    @Test
    void shouldForgetTheLeastRecentSourcesBeyondItsBound() throws Exception {
        SourceRateLimiter limiter = new SourceRateLimiter(clock, 10, 5, 100);
        for (int i = 0; i < 1000; i++) {
            limiter.tryAcquire(ip("10.0." + (i / 256) + "." + (i % 256)));
        }

        assertThat(limiter.trackedSources()).isEqualTo(100);
    }

    @Test
    void shouldAllowEverythingWhenTheRateIsZero() throws Exception {
        SourceRateLimiter limiter = new SourceRateLimiter(clock, 0, 1, 1);

        assertThat(acquired(limiter, ip("198.51.100.1"), 10_000)).isEqualTo(10_000);
    }
}
