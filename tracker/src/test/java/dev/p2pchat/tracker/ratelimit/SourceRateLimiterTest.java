package dev.p2pchat.tracker.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.testsupport.MutableClock;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SourceRateLimiterTest {
    private final MutableClock clock = new MutableClock();

    private static long host(String address) throws Exception {
        return SourceKeys.host(InetAddress.getByName(address));
    }

    private static int acquired(SourceRateLimiter limiter, long source, int attempts) {
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
        long source = host("198.51.100.1");

        assertThat(acquired(limiter, source, 100)).isEqualTo(20);
        clock.advance(Duration.ofSeconds(1));
        assertThat(acquired(limiter, source, 100)).isEqualTo(10);
    }

    @Test
    void shouldLimitEachSourceSeparately() throws Exception {
        SourceRateLimiter limiter = new SourceRateLimiter(clock, 10, 5, 100);

        assertThat(acquired(limiter, host("198.51.100.1"), 50)).isEqualTo(5);
        assertThat(acquired(limiter, host("198.51.100.2"), 50)).isEqualTo(5);
    }

    @Test
    void shouldForgetTheLeastRecentlySeenSourceBeyondItsBound() {
        SourceRateLimiter limiter = new SourceRateLimiter(clock, 10, 5, 3);
        acquired(limiter, 1, 5);
        acquired(limiter, 2, 5);
        acquired(limiter, 3, 5);
        limiter.tryAcquire(1); // 1 is now the most recent; 2 the least
        acquired(limiter, 4, 5);

        assertThat(limiter.trackedSources()).isEqualTo(3);
        assertThat(limiter.tryAcquire(1)).as("remembered and empty").isFalse();
        assertThat(limiter.tryAcquire(2)).as("forgotten, so full again").isTrue();
    }

    @Test
    void shouldNotDrainBucketsWhenTheClockStepsBackwards() {
        SourceRateLimiter limiter = new SourceRateLimiter(clock, 10, 5, 100);
        acquired(limiter, 1, 3);

        MutableClock earlier = clock;
        earlier.advance(Duration.ofHours(-1));

        assertThat(acquired(limiter, 1, 10)).isEqualTo(2);
        assertThat(clock.instant()).isBefore(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void shouldAllowEverythingWhenTheRateIsZero() {
        SourceRateLimiter limiter = new SourceRateLimiter(clock, 0, 1, 1);

        assertThat(acquired(limiter, 1, 10_000)).isEqualTo(10_000);
    }

    @Test
    void shouldGroupAnIpv6Slash64AsOneHostButKeepIpv4AddressesApart() throws Exception {
        assertThat(host("2001:db8:1:2::1")).isEqualTo(host("2001:db8:1:2:ffff:ffff:ffff:ffff"));
        assertThat(host("2001:db8:1:2::1")).isNotEqualTo(host("2001:db8:1:3::1"));
        assertThat(host("198.51.100.1")).isNotEqualTo(host("198.51.100.2"));
        assertThat(host("0.0.0.1")).isNotEqualTo(host("::1"));
    }

    @Test
    void shouldGiveEveryEndpointItsOwnKey() {
        SourceKeys keys = new SourceKeys(7);
        InetSocketAddress a = new InetSocketAddress("198.51.100.1", 4000);

        assertThat(keys.endpoint(a)).isEqualTo(keys.endpoint(new InetSocketAddress("198.51.100.1", 4000)));
        assertThat(keys.endpoint(a)).isNotEqualTo(keys.endpoint(new InetSocketAddress("198.51.100.1", 4001)));
        assertThat(keys.endpoint(a)).isNotEqualTo(keys.endpoint(new InetSocketAddress("198.51.100.2", 4000)));
        assertThat(keys.endpoint(a)).isNotEqualTo(new SourceKeys(8).endpoint(a));
    }
}
