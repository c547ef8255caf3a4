package dev.p2pchat.peer.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CookieGuardTest {
    private static final byte[] SOURCE = {10, 0, 0, 1, 0x1F, (byte) 0x90};
    private static final byte[] OTHER = {10, 0, 0, 2, 0x1F, (byte) 0x90};

    private final CookieGuard guard = new CookieGuard(new SplittableRandom(3), 1_000_000);

    @Test
    void shouldCountAsUnderLoadOnlyWhileMoreInitiationsArriveThanTheLimitASecond() {
        long now = 1_000_000;
        for (int i = 0; i < CookieGuard.UNDER_LOAD_PER_SECOND; i++) {
            assertThat(guard.arrived(now)).isFalse();
        }
        assertThat(guard.arrived(now)).as("one too many").isTrue();
        assertThat(guard.arrived(now + 1500)).as("the last second still counts").isTrue();
        assertThat(guard.arrived(now + 3000)).as("two quiet seconds later").isFalse();
    }

    @Test
    void shouldAcceptTheCookieOfTheCurrentAndThePreviousSecretOnlyAndOnlyForItsSource() {
        long now = 1_000_000;
        byte[] cookie = guard.cookie(SOURCE, now);

        assertThat(guard.proves(SOURCE, now, candidate -> Arrays.equals(candidate, cookie))).isTrue();
        assertThat(guard.proves(OTHER, now, candidate -> Arrays.equals(candidate, cookie))).isFalse();
        long later = now + CookieGuard.SECRET_LIFETIME_MILLIS;
        assertThat(guard.proves(SOURCE, later, candidate -> Arrays.equals(candidate, cookie)))
                .as("one rotation later").isTrue();
        assertThat(guard.cookie(SOURCE, later)).isNotEqualTo(cookie);
        assertThat(guard.proves(SOURCE, later + CookieGuard.SECRET_LIFETIME_MILLIS,
                candidate -> Arrays.equals(candidate, cookie))).as("two rotations later").isFalse();
    }

    @Test
    void shouldLetAProvenSourceStartOnlyItsBudgetOfHandshakes() {
        long now = 1_000_000;
        int allowed = 0;
        for (int i = 0; i < 100; i++) {
            allowed += guard.allow(SOURCE, now) ? 1 : 0;
        }
        assertThat(allowed).isEqualTo((int) CookieGuard.SOURCE_BURST);
        assertThat(guard.allow(OTHER, now)).as("a budget per source").isTrue();
        assertThat(guard.allow(SOURCE, now + 1000)).as("refilled at the rate").isTrue();
    }
}
