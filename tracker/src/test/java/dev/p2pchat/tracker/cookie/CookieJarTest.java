package dev.p2pchat.tracker.cookie;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.testsupport.MutableClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CookieJarTest {
    private static final Duration EPOCH = Duration.ofSeconds(60);
    private static final InetSocketAddress ALICE = new InetSocketAddress("198.51.100.7", 40000);

    private final MutableClock clock = new MutableClock();
    private final CookieJar jar = new CookieJar(clock, "0123456789abcdef0123456789abcdef".getBytes(), EPOCH);

    @Test
    void shouldAcceptACookieAtTheAddressItWasMintedFor() {
        assertThat(jar.check(ALICE, jar.mint(ALICE))).isTrue();
    }

    @Test
    void shouldRejectACookieFromAnotherAddressOrPort() {
        Octets cookie = jar.mint(ALICE);

        assertThat(jar.check(new InetSocketAddress("198.51.100.8", 40000), cookie)).isFalse();
        assertThat(jar.check(new InetSocketAddress("198.51.100.7", 40001), cookie)).isFalse();
    }

    @Test
    void shouldAcceptTheCookieForOneMoreEpochThenRejectIt() {
        Octets cookie = jar.mint(ALICE);

        clock.advance(EPOCH);
        assertThat(jar.check(ALICE, cookie)).isTrue();
        assertThat(jar.mint(ALICE)).isNotEqualTo(cookie);
        clock.advance(EPOCH);
        assertThat(jar.check(ALICE, cookie)).isFalse();
    }

    @Test
    void shouldHandBackACurrentCookieAndRenewOneFromThePreviousEpoch() {
        Octets cookie = jar.mint(ALICE);

        assertThat(jar.validate(ALICE, cookie)).isSameAs(cookie);
        clock.advance(EPOCH);
        Octets renewed = jar.validate(ALICE, cookie);
        assertThat(renewed).isNotEqualTo(cookie).isEqualTo(jar.mint(ALICE));
        assertThat(jar.validate(new InetSocketAddress("198.51.100.8", 40000), renewed)).isNull();
    }

    @Test
    void shouldRejectCookiesFromAnotherSecretAsAfterARestart() {
        CookieJar restarted = new CookieJar(clock, "another secret, also 32 bytes!!!".getBytes(), EPOCH);

        assertThat(restarted.check(ALICE, jar.mint(ALICE))).isFalse();
    }

    @Test
    void shouldRejectForgedCookies() {
        assertThat(jar.check(ALICE, Octets.zeros(16))).isFalse();
        byte[] flipped = jar.mint(ALICE).toByteArray();
        flipped[0] ^= 1;
        assertThat(jar.check(ALICE, Octets.of(flipped))).isFalse();
    }
}
