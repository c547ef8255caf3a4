package dev.p2pchat.tracker.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.testsupport.MutableClock;
import dev.p2pchat.tracker.registry.Registration;
import dev.p2pchat.tracker.registry.Registry;
import dev.p2pchat.tracker.relay.RelayTable.Decision;
import dev.p2pchat.tracker.relay.RelayTable.Refusal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RelayTableTest {
    /** Longer than the relay lifetime, so that a permission ends while both peers are still registered. */
    private static final Duration LEASE = Duration.ofHours(1);
    private static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final InetSocketAddress CAFE = new InetSocketAddress("203.0.113.9", 51000);
    private static final Octets NO_KEY = Octets.zeros(Wire.KEY_SIZE);
    /** A small relayed datagram: a RELAY carrying a PING. */
    private static final int SMALL = TrackerWire.RELAY_FIXED_SIZE + 20;

    private final MutableClock clock = new MutableClock();
    private final Registry registry = new Registry(clock, new Random(42), 1000, LEASE);

    private static Octets key(int seed) {
        byte[] bytes = new byte[Wire.KEY_SIZE];
        new Random(seed).nextBytes(bytes);
        return Octets.of(bytes);
    }

    private static InetSocketAddress home(int n) {
        return new InetSocketAddress("198.51.100." + n, 40000 + n);
    }

    /** Registers {@code name} with key {@code seed} from {@code at}. */
    private Registration register(String name, int seed, InetSocketAddress at) {
        Registry.Result result = registry.register(name, key(seed), NO_KEY, 0, at, List.of());
        assertThat(result.isOk()).as(name).isTrue();
        return result.registration();
    }

    private Registration register(String name, int seed) {
        return register(name, seed, home(seed));
    }

    private RelayTable table(RelayLimits limits) {
        return new RelayTable(clock, limits, registry::find);
    }

    private RelayTable table() {
        return table(limits(100, 64 * 1024));
    }

    private static RelayLimits limits(int datagramsPerSecond, int bytesPerSecond) {
        return new RelayLimits(datagramsPerSecond, bytesPerSecond, LIFETIME, 100, 8);
    }

    /** A RELAY of {@code bytes} bytes from {@code from}'s registered address with its token towards {@code to}. */
    private static Decision relay(RelayTable table, Registration from, Registration to, int bytes) {
        return table.relay(from.observed(), from.token(), to.identityKey(), bytes);
    }

    private static Decision relay(RelayTable table, Registration from, Registration to) {
        return relay(table, from, to, SMALL);
    }

    /** How many of {@code attempts} RELAYs pass; the others must be refused as over budget. */
    private static int passed(RelayTable table, Registration from, Registration to, int bytes, int attempts) {
        int passed = 0;
        for (int i = 0; i < attempts; i++) {
            Decision decision = relay(table, from, to, bytes);
            if (decision.passes()) {
                passed++;
            } else {
                assertThat(decision.refusal()).isEqualTo(Refusal.OVER_BUDGET);
            }
        }
        return passed;
    }

    @Test
    void shouldLetTwoPeersRelayToEachOtherOnceALookupPermitsIt() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);

        assertThat(table.permit(alice, bob)).isTrue();

        Decision there = relay(table, alice, bob);
        assertThat(there.passes()).isTrue();
        assertThat(there.sender()).isSameAs(alice);
        assertThat(there.target()).isSameAs(bob);
        assertThat(there.target().observed()).isEqualTo(home(2));
        Decision back = relay(table, bob, alice);
        assertThat(back.passes()).isTrue();
        assertThat(back.sender()).isSameAs(bob);
        assertThat(back.target()).isSameAs(alice);
        assertThat(table.size()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAsNotRegisteredAWrongTokenOrAnotherSourceAddress() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);

        Decision wrongToken = table.relay(alice.observed(), alice.token() + 1, bob.identityKey(), SMALL);
        assertThat(wrongToken).isEqualTo(new Decision(null, null, Refusal.NOT_REGISTERED));
        assertThat(table.relay(CAFE, alice.token(), bob.identityKey(), SMALL).refusal())
                .as("alice's token from another address").isEqualTo(Refusal.NOT_REGISTERED);
        assertThat(table.relay(home(1), 0, bob.identityKey(), SMALL).refusal()).isEqualTo(Refusal.NOT_REGISTERED);
        assertThat(relay(table, alice, bob).passes()).as("the refusals cost alice nothing").isTrue();
    }

    @Test
    void shouldRefuseAsNotRegisteredOnceTheSenderReRegisteredFromAnotherAddressUntilItsNextLookup() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);
        long oldToken = alice.token();

        register("alice", 1, CAFE); // the same registration, moved, with a new token

        assertThat(alice.token()).isNotEqualTo(oldToken);
        assertThat(table.relay(home(1), oldToken, bob.identityKey(), SMALL).refusal())
                .as("from the old address with the old token").isEqualTo(Refusal.NOT_REGISTERED);
        assertThat(table.relay(home(1), alice.token(), bob.identityKey(), SMALL).refusal())
                .as("from the old address with the new token").isEqualTo(Refusal.NOT_REGISTERED);
        assertThat(table.relay(CAFE, alice.token(), bob.identityKey(), SMALL).refusal())
                .as("from the new address, whose entry the next lookup makes").isEqualTo(Refusal.NOT_REGISTERED);
        // Bob's permission names alice's key, so his relays follow her to her new address.
        Decision toAlice = relay(table, bob, alice);
        assertThat(toAlice.passes()).isTrue();
        assertThat(toAlice.target().observed()).isEqualTo(CAFE);

        assertThat(table.permit(alice, bob)).isTrue();
        assertThat(table.relay(CAFE, alice.token(), bob.identityKey(), SMALL).passes()).isTrue();
    }

    @Test
    void shouldRefuseAsNotRegisteredOnceTheSendersRegistrationIsGone() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);

        registry.remove(alice);

        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_REGISTERED);
        assertThat(relay(table, bob, alice).refusal()).as("and nobody relays to her")
                .isEqualTo(Refusal.NOT_PERMITTED);
    }

    @Test
    void shouldRefuseAsNotPermittedTowardsAPeerNoLookupConnected() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        table.permit(alice, bob);

        Decision toCarol = relay(table, alice, carol);
        assertThat(toCarol.refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(toCarol.sender()).isSameAs(alice);
        assertThat(toCarol.target()).isNull();
        assertThat(table.relay(alice.observed(), alice.token(), key(99), SMALL).refusal())
                .as("towards a key nobody registered").isEqualTo(Refusal.NOT_PERMITTED);
        // A registered peer that no lookup has entered in the table is refused as NOT_REGISTERED, not
        // NOT_PERMITTED: the table finds senders by address and has no entry for carol's.
        assertThat(relay(table, carol, alice).refusal()).isEqualTo(Refusal.NOT_REGISTERED);
    }

    @Test
    void shouldEndAPermissionAfterItsLifetimeInBothDirections() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);

        clock.advance(LIFETIME.minusMillis(1));
        assertThat(relay(table, alice, bob).passes()).isTrue();
        assertThat(relay(table, bob, alice).passes()).isTrue();

        clock.advance(Duration.ofMillis(1));
        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, bob, alice).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
    }

    @Test
    void shouldRefuseAsNotPermittedOnceTheTargetsRegistrationIsGone() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);

        registry.remove(bob);

        Decision decision = relay(table, alice, bob);
        assertThat(decision.refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(decision.sender()).isSameAs(alice);
    }

    @Test
    void shouldRefuseAsNotPermittedOnceTheTargetsLeaseEnded() {
        Registry shortLeases = new Registry(clock, new Random(7), 10, Duration.ofSeconds(90));
        RelayTable table = new RelayTable(clock, limits(100, 64 * 1024), shortLeases::find);
        Registration alice = shortLeases.register("alice", key(1), NO_KEY, 0, home(1), List.of()).registration();
        Registration bob = shortLeases.register("bob", key(2), NO_KEY, 0, home(2), List.of()).registration();
        table.permit(alice, bob);

        clock.advance(Duration.ofSeconds(60));
        shortLeases.keepalive("alice", alice.token(), home(1));
        clock.advance(Duration.ofSeconds(30)); // bob's lease ends; alice's runs another minute

        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, bob, alice).refusal()).isEqualTo(Refusal.NOT_REGISTERED);
    }

    @Test
    void shouldRenewAPermissionWithEachLookup() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);

        clock.advance(Duration.ofMinutes(6));
        assertThat(table.permit(bob, alice)).as("either side's lookup renews both directions").isTrue();
        clock.advance(Duration.ofMinutes(6)); // 12 minutes after the first lookup, 6 after the second

        assertThat(relay(table, alice, bob).passes()).isTrue();
        assertThat(relay(table, bob, alice).passes()).isTrue();
        clock.advance(Duration.ofMinutes(4));
        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, bob, alice).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
    }

    @Test
    void shouldHoldEachSenderToItsDatagramsPerSecondWithABurstOfTwice() {
        RelayTable table = table(limits(5, 64 * 1024));
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);

        assertThat(passed(table, alice, bob, SMALL, 100)).as("a burst of twice the rate").isEqualTo(10);
        Decision refused = relay(table, alice, bob);
        assertThat(refused.refusal()).isEqualTo(Refusal.OVER_BUDGET);
        assertThat(refused.sender()).isSameAs(alice);
        assertThat(refused.target()).isSameAs(bob);
        assertThat(passed(table, bob, alice, SMALL, 100)).as("bob has his own budget").isEqualTo(10);

        clock.advance(Duration.ofMillis(300)); // 1.5 datagrams at 5/s
        assertThat(passed(table, alice, bob, SMALL, 100)).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1)); // 300 datagrams at 5/s, within the lease
        assertThat(passed(table, alice, bob, SMALL, 100)).as("refilled up to the burst only").isEqualTo(10);
    }

    @Test
    void shouldHoldEachSenderToItsBytesPerSecondWithABurstOfTwice() {
        RelayTable table = table(limits(100, Wire.MAX_DATAGRAM_SIZE));
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);

        assertThat(passed(table, alice, bob, Wire.MAX_DATAGRAM_SIZE, 10)).as("2400 bytes").isEqualTo(2);
        assertThat(relay(table, alice, bob, 1).refusal()).isEqualTo(Refusal.OVER_BUDGET);

        clock.advance(Duration.ofMillis(500)); // 600 bytes at 1200/s
        assertThat(relay(table, alice, bob, 601).refusal()).isEqualTo(Refusal.OVER_BUDGET);
        assertThat(relay(table, alice, bob, 590).passes()).isTrue();
        assertThat(relay(table, alice, bob, 20).refusal()).isEqualTo(Refusal.OVER_BUDGET);
    }

    @Test
    void shouldSpendNoDatagramBudgetOnADatagramRefusedForItsBytes() {
        RelayTable table = table(limits(10, Wire.MAX_DATAGRAM_SIZE)); // 20 datagrams, 2400 bytes
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);
        assertThat(passed(table, alice, bob, Wire.MAX_DATAGRAM_SIZE, 2)).isEqualTo(2); // 18 datagrams left

        assertThat(passed(table, alice, bob, Wire.MAX_DATAGRAM_SIZE, 18)).as("no bytes left").isZero();

        clock.advance(Duration.ofSeconds(1)); // 10 more datagrams and 1200 bytes
        // Had the refusals spent datagrams, 10 would be left; they did not, so the burst of 20 is.
        assertThat(passed(table, alice, bob, 1, 100)).isEqualTo(20);
    }

    @Test
    void shouldSpendNoByteBudgetOnADatagramRefusedForTheCount() {
        RelayTable table = table(limits(2, Wire.MAX_DATAGRAM_SIZE)); // 4 datagrams, 2400 bytes
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);
        assertThat(passed(table, alice, bob, 100, 4)).isEqualTo(4); // 2000 bytes left

        assertThat(passed(table, alice, bob, 1000, 3)).as("no datagrams left").isZero();

        clock.advance(Duration.ofMillis(600)); // 1.2 datagrams and 720 bytes: 2400 (the burst), not 720
        assertThat(relay(table, alice, bob, Wire.MAX_DATAGRAM_SIZE).passes()).isTrue();
    }

    @Test
    void shouldEvictTheOldestPermissionBeyondThePerPeerCap() {
        RelayTable table = table(new RelayLimits(100, 64 * 1024, LIFETIME, 100, 2));
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        Registration dave = register("dave", 4);

        table.permit(alice, bob);
        table.permit(alice, carol);
        table.permit(alice, dave);

        assertThat(relay(table, alice, bob).refusal()).as("the oldest, evicted").isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, alice, carol).passes()).isTrue();
        assertThat(relay(table, alice, dave).passes()).isTrue();
        assertThat(relay(table, bob, alice).passes()).as("bob's own permission stays").isTrue();

        table.permit(carol, alice); // renewed, so carol's is now alice's newest and dave's her oldest
        table.permit(alice, bob);
        assertThat(relay(table, alice, dave).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, alice, carol).passes()).isTrue();
        assertThat(relay(table, alice, bob).passes()).isTrue();
    }

    @Test
    void shouldGrantNothingWhenTheTableIsFullUntilExpiryMakesRoom() {
        RelayTable table = table(new RelayLimits(100, 64 * 1024, LIFETIME, 2, 8));
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        Registration dave = register("dave", 4);
        assertThat(table.permit(alice, bob)).isTrue();

        assertThat(table.permit(carol, dave)).isFalse();
        assertThat(table.size()).isEqualTo(2);
        assertThat(relay(table, carol, dave).refusal()).isEqualTo(Refusal.NOT_REGISTERED);
        assertThat(table.permit(bob, alice)).as("peers already in the table are renewed").isTrue();

        clock.advance(LIFETIME);
        assertThat(table.expire()).isEqualTo(2);
        assertThat(table.permit(carol, dave)).isTrue();
        assertThat(relay(table, carol, dave).passes()).isTrue();
    }

    @Test
    void shouldTakeNoSlotForAPermitItRefuses() {
        RelayTable table = table(new RelayLimits(100, 64 * 1024, LIFETIME, 3, 8));
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        Registration dave = register("dave", 4);
        assertThat(table.permit(alice, bob)).isTrue();

        assertThat(table.permit(carol, dave)).as("one slot free, two needed").isFalse();

        assertThat(table.size()).isEqualTo(2);
        assertThat(table.permit(alice, carol)).as("the free slot is still there for carol").isTrue();
        assertThat(table.size()).isEqualTo(3);
    }

    @Test
    void shouldPermitNothingWhenTheRelayIsOff() {
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        for (RelayLimits off : List.of(limits(0, 64 * 1024), limits(100, 0))) {
            RelayTable table = table(off);

            assertThat(off.enabled()).isFalse();
            assertThat(table.permit(alice, bob)).as(off.toString()).isFalse();
            assertThat(table.size()).isZero();
            assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_REGISTERED);
        }
    }

    @Test
    void shouldExpireEndedPermissionsAndThePeersLeftWithNone() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        Registration dave = register("dave", 4);
        Registration erin = register("erin", 5);
        table.permit(alice, bob);
        assertThat(table.expire()).as("nothing ended yet").isZero();

        clock.advance(Duration.ofMinutes(5));
        table.permit(alice, carol);
        table.permit(dave, erin);
        assertThat(table.size()).isEqualTo(5);

        clock.advance(Duration.ofMinutes(5)); // alice and bob's permission ends
        assertThat(table.expire()).as("bob; alice still holds carol").isEqualTo(1);
        assertThat(table.size()).isEqualTo(4);
        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, alice, carol).passes()).isTrue();
        assertThat(relay(table, bob, alice).refusal()).as("bob's entry is gone")
                .isEqualTo(Refusal.NOT_REGISTERED);

        clock.advance(Duration.ofMinutes(5));
        assertThat(table.expire()).isEqualTo(4);
        assertThat(table.size()).isZero();
        assertThat(table.expire()).isZero();
    }

    @Test
    void shouldReplaceAnEntryWhoseAddressAnotherKeyTookOver() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration dave = register("dave", 4);
        table.permit(alice, bob);
        registry.remove(alice);

        Registration carol = register("carol", 3, home(1)); // alice's old address and port
        assertThat(relay(table, carol, bob).refusal()).as("the entry there is still alice's")
                .isEqualTo(Refusal.NOT_REGISTERED);

        assertThat(table.permit(carol, dave)).isTrue();
        assertThat(table.size()).as("alice's entry replaced: bob, carol, dave").isEqualTo(3);
        Decision toDave = relay(table, carol, dave);
        assertThat(toDave.passes()).isTrue();
        assertThat(toDave.sender()).isSameAs(carol);
        assertThat(relay(table, carol, bob).refusal()).as("alice's permissions went with her entry")
                .isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, dave, carol).passes()).isTrue();
    }

    @Test
    void shouldRefuseLimitsThatCouldNeverPassAFullDatagram() {
        assertThatThrownBy(() -> limits(100, Wire.MAX_DATAGRAM_SIZE - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1200");
        assertThatThrownBy(() -> limits(-1, 64 * 1024))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(
                () -> new RelayLimits(100, 64 * 1024, Duration.ZERO, 100, 8))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RelayLimits.DEFAULT.enabled()).isTrue();
    }

    @Test
    void shouldKeepAnAddresssBudgetWhenAnotherKeyTakesItOver() {
        RelayTable table = table(limits(2, 64 * 1024)); // 4 datagrams at once
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.permit(alice, bob);
        assertThat(passed(table, alice, bob, SMALL, 10)).isEqualTo(4);

        registry.remove(alice);
        Registration mallory = register("mallory", 3, home(1)); // the same socket, another key
        table.permit(mallory, bob);

        assertThat(passed(table, mallory, bob, SMALL, 10)).as("no fresh burst for a new key").isZero();
    }

    @Test
    void shouldEvictThePermissionLeastRecentlyUsedNotOneThatRelays() {
        RelayTable table = table(new RelayLimits(100, 64 * 1024, LIFETIME, 100, 2));
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        Registration dave = register("dave", 4);
        table.permit(alice, bob);
        table.permit(alice, carol);
        assertThat(relay(table, alice, bob).passes()).isTrue(); // bob's permission is in use

        table.permit(dave, alice); // a stranger's lookup

        assertThat(relay(table, alice, bob).passes()).as("the conversation that relays keeps its permission")
                .isTrue();
        assertThat(relay(table, alice, carol).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
    }
}
