package dev.p2pchat.tracker.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.SessionCipher;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.testsupport.MutableClock;
import dev.p2pchat.tracker.registry.Registration;
import dev.p2pchat.tracker.registry.Registry;
import dev.p2pchat.tracker.relay.RelayTable.Consent;
import dev.p2pchat.tracker.relay.RelayTable.Decision;
import dev.p2pchat.tracker.relay.RelayTable.Event;
import dev.p2pchat.tracker.relay.RelayTable.Refusal;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
    /** The session every registration here holds: the relay table never looks at it. */
    private static final Registry.Session SESSION = session();

    /** Past the active window: a permission that carried nothing for this long may be replaced. */
    private static final Duration IDLE = RelayTable.ACTIVE_WINDOW;

    private final MutableClock clock = new MutableClock();
    /** What the tables here gave up or refused. */
    private final Map<Event, Integer> events = new EnumMap<>(Event.class);
    private final Registry registry = new Registry(clock, new Random(42), 1000, LEASE, Duration.ofMinutes(2));

    private static Registry.Session session() {
        SecureRandom random = new SecureRandom();
        X25519.KeyPair sessionKey = X25519.generate(random);
        try {
            return new Registry.Session(SessionCipher.Secret.forTracker(X25519.generate(random),
                    Octets.of(sessionKey.publicKey())), Octets.of(sessionKey.publicKey()), 1);
        } catch (CryptoException e) {
            throw new AssertionError(e);
        }
    }

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
        Registry.Result result = registry.register(name, key(seed), NO_KEY, 0, at, List.of(), SESSION);
        assertThat(result.isOk()).as(name).isTrue();
        return result.registration();
    }

    private Registration register(String name, int seed) {
        return register(name, seed, home(seed));
    }

    private RelayTable table(RelayLimits limits) {
        return new RelayTable(clock, limits, registry::find, event -> events.merge(event, 1, Integer::sum));
    }

    private RelayTable table(int maxPeers, int maxPermissionsPerPeer) {
        return table(new RelayLimits(100, 64 * 1024, LIFETIME, maxPeers, maxPermissionsPerPeer));
    }

    private int counted(Event event) {
        return events.getOrDefault(event, 0);
    }

    /** Both look each other up: the second lookup makes the pair's permissions. */
    private static void pair(RelayTable table, Registration a, Registration b) {
        assertThat(table.lookedUp(a, b)).as("the first lookup").isEqualTo(Consent.WISHED);
        assertThat(table.lookedUp(b, a)).as("the lookup back").isEqualTo(Consent.PERMITTED);
    }

    private RelayTable table() {
        return table(limits(100, 64 * 1024));
    }

    private static RelayLimits limits(int datagramsPerSecond, int bytesPerSecond) {
        return new RelayLimits(datagramsPerSecond, bytesPerSecond, LIFETIME, 100, 8);
    }

    /** A RELAY of {@code bytes} bytes from {@code from} (proven by its session) towards {@code to}. */
    private static Decision relay(RelayTable table, Registration from, Registration to, int bytes) {
        return table.relay(from, to.identityKey(), bytes);
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
    void shouldLetTwoPeersRelayToEachOtherOnlyOnceBothLookedEachOtherUp() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);

        assertThat(table.lookedUp(alice, bob)).isEqualTo(Consent.WISHED);
        Decision early = relay(table, alice, bob);
        assertThat(early).isEqualTo(new Decision(alice, null, Refusal.NOT_PERMITTED));
        assertThat(table.size()).as("a wish takes no place in the table").isZero();
        assertThat(table.wishes()).isEqualTo(1);

        assertThat(table.lookedUp(bob, alice)).isEqualTo(Consent.PERMITTED);

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
        assertThat(table.wishes()).as("the wish became the permissions").isZero();
    }

    @Test
    void shouldNeverLetALookupAloneOpenTheRelayHoweverOftenItComes() {
        RelayTable table = table();
        Registration mallory = register("mallory", 1);
        Registration victim = register("victim", 2);

        for (int i = 0; i < 100; i++) {
            assertThat(table.lookedUp(mallory, victim)).isEqualTo(Consent.WISHED);
            assertThat(relay(table, mallory, victim).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(table.size()).isZero();
        assertThat(table.wishes()).as("renewed, not repeated").isEqualTo(1);
    }

    @Test
    void shouldTakeTheLookedUpPeersRelayBackAsItsConsent() {
        // How two peers behind symmetric NATs meet: alice looks bob up; bob, introduced, greets her through the relay.
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.lookedUp(alice, bob);

        Decision greeting = relay(table, bob, alice);

        assertThat(greeting.passes()).as("bob's greeting itself passes").isTrue();
        assertThat(greeting.target()).isSameAs(alice);
        assertThat(relay(table, alice, bob).passes()).as("and alice's answer").isTrue();
        assertThat(table.size()).isEqualTo(2);
        assertThat(table.wishes()).isZero();
    }

    @Test
    void shouldNotTakeARelayTowardsAPeerThatWantsNothingAsConsent() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.lookedUp(alice, bob);

        assertThat(relay(table, alice, bob).refusal()).as("alice's own relay is no consent of bob's")
                .isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(table.size()).isZero();
    }

    @Test
    void shouldForgetAWishAfterTheLifetime() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        table.lookedUp(alice, bob);

        clock.advance(LIFETIME);
        assertThat(relay(table, bob, alice).refusal()).as("alice's wish ended").isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(table.lookedUp(bob, alice)).isEqualTo(Consent.WISHED);
        assertThat(table.expire()).isZero();
        assertThat(table.wishes()).as("alice's ended; bob's runs").isEqualTo(1);
    }

    @Test
    void shouldKeepAtMostItsShareOfWishesPerPeerTheNewestLast() {
        RelayTable table = table(100, 8);
        Registration alice = register("alice", 1);
        List<Registration> wanted = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Registration peer = register("peer" + i, 10 + i);
            wanted.add(peer);
            table.lookedUp(alice, peer);
        }

        assertThat(table.wishes()).isEqualTo(8);
        assertThat(counted(Event.WISH_FORGOTTEN)).isEqualTo(12);
        assertThat(relay(table, wanted.get(11), alice).refusal()).as("forgotten").isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, wanted.get(12), alice).passes()).as("kept").isTrue();
        assertThat(relay(table, wanted.get(19), alice).passes()).isTrue();
    }

    @Test
    void shouldKeepAtMostAsManyWishesInAllAsTheTableHoldsPeersTheOldestForgottenFirst() {
        RelayTable table = table(10, 8);
        Registration target = register("target", 1);
        List<Registration> wishers = new ArrayList<>();
        for (int i = 0; i < 15; i++) {
            Registration peer = register("wisher" + i, 10 + i);
            wishers.add(peer);
            table.lookedUp(peer, target);
        }

        assertThat(table.wishes()).isEqualTo(10);
        assertThat(counted(Event.WISH_FORGOTTEN)).isEqualTo(5);
        assertThat(relay(table, target, wishers.get(4)).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, target, wishers.get(5)).passes()).isTrue();
    }

    @Test
    void shouldKeepAWishMadeAfterAFloodOfWishesAndPushOutTheFloodInstead() {
        RelayTable table = table(10, 8);
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration target = register("target", 3);
        for (int i = 0; i < 30; i++) {
            table.lookedUp(register("sybil" + i, 10 + i), target);
        }

        table.lookedUp(alice, bob); // after the flood
        for (int i = 0; i < 9; i++) {
            // The flood's wishers wish again, and more: they keep their places, ahead of alice.
            table.lookedUp(registry.find("sybil" + (29 - i)), bob);
        }

        assertThat(table.wishes()).isEqualTo(10);
        assertThat(relay(table, bob, alice).passes()).as("alice's wish was kept").isTrue();
    }

    @Test
    void shouldGrantNothingBetweenTwoRegistrationsOfOneSocket() {
        RelayTable table = table();
        Registration alice = register("alice", 1, home(1));
        Registration alter = register("alter", 2, home(1));

        assertThat(table.lookedUp(alice, alter)).isEqualTo(Consent.OFF);
        assertThat(table.lookedUp(alter, alice)).isEqualTo(Consent.OFF);
        assertThat(table.wishes()).isZero();
        assertThat(relay(table, alice, alter).refusal()).isEqualTo(Refusal.NOT_PERMITTED);

        // A pair that had its permissions before one moved onto the other's socket relays no more.
        Registration bob = register("bob", 3);
        pair(table, alice, bob);
        register("bob", 3, home(1));
        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, bob, alice).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
    }

    @Test
    void shouldLetASenderThatMovedRelayFromItsNewAddressAtOnceWhileThePeerStillWantsIt() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        pair(table, alice, bob);

        register("alice", 1, CAFE); // the same registration, moved, with a new token

        // Her consent stayed with the entry of her old address, so bob's relays wait for her; as he still wants her,
        // her first RELAY from her new address is her consent anew.
        assertThat(relay(table, bob, alice).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, alice, bob).passes()).isTrue();
        Decision toAlice = relay(table, bob, alice);
        assertThat(toAlice.passes()).isTrue();
        assertThat(toAlice.target().observed()).isEqualTo(CAFE);
        assertThat(table.size()).as("her old entry stays until it expires").isEqualTo(3);
    }

    @Test
    void shouldRefuseRelaysTowardsAPeerWhoseRegistrationIsGone() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        pair(table, alice, bob);

        registry.remove(alice);

        assertThat(relay(table, bob, alice)).isEqualTo(new Decision(bob, null, Refusal.NOT_PERMITTED));
    }

    @Test
    void shouldRefuseAsNotPermittedTowardsAPeerNoLookupConnected() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        pair(table, alice, bob);

        Decision toCarol = relay(table, alice, carol);
        assertThat(toCarol.refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(toCarol.sender()).isSameAs(alice);
        assertThat(toCarol.target()).isNull();
        assertThat(table.relay(alice, key(99), SMALL).refusal()).as("towards a key nobody registered")
                .isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, carol, alice).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
    }

    @Test
    void shouldEndAPermissionInBothDirectionsOnceBothConsentsEnded() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        pair(table, alice, bob);

        clock.advance(LIFETIME.minusMillis(1));
        assertThat(table.lookedUp(alice, bob)).as("still permitted, renewed").isEqualTo(Consent.PERMITTED);
        assertThat(table.lookedUp(bob, alice)).isEqualTo(Consent.PERMITTED);
        clock.advance(LIFETIME.minusMillis(1));
        assertThat(relay(table, alice, bob).passes()).isTrue();
        assertThat(relay(table, bob, alice).passes()).isTrue();

        clock.advance(LIFETIME); // both relayed last a lifetime ago
        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, bob, alice).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
    }

    @Test
    void shouldStopRelayingTowardsAPeerWhoseConsentEndedUntilItWantsTheOtherAgain() {
        RelayTable table = table();
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        pair(table, alice, bob);

        clock.advance(Duration.ofMinutes(6));
        table.lookedUp(bob, alice); // bob's consent renewed; alice's ends 4 minutes from now
        clock.advance(Duration.ofMinutes(4));

        assertThat(relay(table, bob, alice).refusal()).as("alice no longer wants bob")
                .isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, alice, bob).passes()).as("bob still wants alice, and her RELAY is her consent")
                .isTrue();
        assertThat(relay(table, bob, alice).passes()).isTrue();
    }

    @Test
    void shouldRefuseAsNotPermittedOnceTheTargetsLeaseEnded() {
        Registry shortLeases = new Registry(clock, new Random(7), 10, Duration.ofSeconds(90), Duration.ofMinutes(2));
        RelayTable table = new RelayTable(clock, limits(100, 64 * 1024), shortLeases::find, event -> { });
        Registration alice = shortLeases.register("alice", key(1), NO_KEY, 0, home(1), List.of(), SESSION)
                .registration();
        Registration bob = shortLeases.register("bob", key(2), NO_KEY, 0, home(2), List.of(), SESSION)
                .registration();
        pair(table, alice, bob);

        clock.advance(Duration.ofSeconds(60));
        shortLeases.keepalive("alice", alice.token(), home(1));
        clock.advance(Duration.ofSeconds(30)); // bob's lease ends; alice's runs another minute

        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
    }

    @Test
    void shouldHoldEachSenderToItsDatagramsPerSecondWithABurstOfTwice() {
        RelayTable table = table(limits(5, 64 * 1024));
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        pair(table, alice, bob);

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
        pair(table, alice, bob);

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
        pair(table, alice, bob);
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
        pair(table, alice, bob);
        assertThat(passed(table, alice, bob, 100, 4)).isEqualTo(4); // 2000 bytes left

        assertThat(passed(table, alice, bob, 1000, 3)).as("no datagrams left").isZero();

        clock.advance(Duration.ofMillis(600)); // 1.2 datagrams and 720 bytes: 2400 (the burst), not 720
        assertThat(relay(table, alice, bob, Wire.MAX_DATAGRAM_SIZE).passes()).isTrue();
    }

    @Test
    void shouldReplaceTheLeastRecentlyActiveIdlePermissionOfAPeerThatHoldsItsMost() {
        RelayTable table = table(100, 2);
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        Registration dave = register("dave", 4);
        pair(table, alice, bob);
        pair(table, alice, carol);
        clock.advance(IDLE);
        assertThat(relay(table, alice, carol).passes()).isTrue(); // carol's permission is in use; bob's is idle

        pair(table, dave, alice);

        assertThat(counted(Event.PERMISSION_EVICTED)).isEqualTo(1);
        assertThat(relay(table, alice, carol).passes()).as("the pair that relays keeps its permission").isTrue();
        assertThat(relay(table, alice, dave).passes()).isTrue();
        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, bob, alice).refusal()).as("both ways: alice no longer holds bob's")
                .isEqualTo(Refusal.NOT_PERMITTED);
    }

    @Test
    void shouldRefuseANewPermissionWhenEveryOneOfThePeersIsActive() {
        RelayTable table = table(100, 2);
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        Registration dave = register("dave", 4);
        pair(table, alice, bob);
        pair(table, alice, carol);
        clock.advance(IDLE.minusMillis(1)); // new permissions count as active: the pair gets time to start

        assertThat(table.lookedUp(dave, alice)).isEqualTo(Consent.WISHED);
        assertThat(table.lookedUp(alice, dave)).isEqualTo(Consent.PERMISSIONS_FULL);
        assertThat(relay(table, dave, alice).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        clock.advance(IDLE.dividedBy(2));
        assertThat(relay(table, bob, alice).passes()).as("bob's carries datagrams").isTrue();
        assertThat(relay(table, carol, alice).passes()).as("carol's too").isTrue();
        clock.advance(IDLE.minusMillis(1));
        assertThat(relay(table, dave, alice).refusal()).as("both still active").isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(counted(Event.REFUSED_PERMISSIONS_FULL)).isEqualTo(3);
        assertThat(counted(Event.PERMISSION_EVICTED)).isZero();

        assertThat(relay(table, bob, alice).passes()).isTrue();
        clock.advance(Duration.ofMillis(1)); // carol's falls idle
        assertThat(relay(table, dave, alice).passes()).as("dave and alice still want each other").isTrue();
        assertThat(relay(table, carol, alice).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, bob, alice).passes()).isTrue();
        assertThat(counted(Event.PERMISSION_EVICTED)).isEqualTo(1);
    }

    @Test
    void shouldMakeRoomInAFullTableFromTheLeastRecentlyActiveIdlePeersButNeverFromThePairItself() {
        RelayTable table = table(3, 8);
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        Registration dave = register("dave", 4);
        Registration erin = register("erin", 5);
        pair(table, alice, bob);
        clock.advance(IDLE);

        pair(table, carol, dave); // two places needed, one free: bob, the least recently active, makes the other

        assertThat(counted(Event.PEER_EVICTED)).isEqualTo(1);
        assertThat(table.size()).isEqualTo(3);
        assertThat(relay(table, carol, dave).passes()).isTrue();
        assertThat(relay(table, alice, bob).refusal()).as("bob's side is gone").isEqualTo(Refusal.NOT_PERMITTED);

        clock.advance(IDLE);
        pair(table, erin, alice); // alice is now the least recently active, and idle, but one of the pair

        assertThat(counted(Event.PEER_EVICTED)).as("and carol made the room").isEqualTo(2);
        assertThat(relay(table, alice, erin).passes()).isTrue();
        assertThat(relay(table, dave, carol).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
    }

    @Test
    void shouldRefuseNewcomersToAFullTableOfActivePeersAndLetThemInOnceSomeFallIdle() {
        RelayTable table = table(2, 8);
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        Registration dave = register("dave", 4);
        pair(table, alice, bob);

        table.lookedUp(carol, dave);
        assertThat(table.lookedUp(dave, carol)).isEqualTo(Consent.TABLE_FULL);
        assertThat(table.size()).isEqualTo(2);
        assertThat(relay(table, carol, dave).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(counted(Event.REFUSED_TABLE_FULL)).as("the lookup, then carol's RELAY").isEqualTo(2);
        clock.advance(IDLE.minusMillis(1));
        assertThat(relay(table, alice, bob).passes()).as("alice and bob relay").isTrue();
        clock.advance(IDLE.minusMillis(1));
        assertThat(table.lookedUp(carol, dave)).as("alice and bob are still active").isEqualTo(Consent.TABLE_FULL);
        assertThat(relay(table, bob, alice).passes()).isTrue();
        assertThat(counted(Event.PEER_EVICTED)).isZero();

        clock.advance(IDLE);
        assertThat(table.lookedUp(dave, carol)).as("alice and bob fell idle").isEqualTo(Consent.PERMITTED);
        assertThat(counted(Event.PEER_EVICTED)).isEqualTo(2);
        assertThat(relay(table, carol, dave).passes()).isTrue();
        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
    }

    @Test
    void shouldTakeNoPlaceForAPairItRefuses() {
        RelayTable table = table(3, 8);
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        Registration carol = register("carol", 3);
        Registration dave = register("dave", 4);
        pair(table, alice, bob);

        table.lookedUp(carol, dave);
        assertThat(table.lookedUp(dave, carol)).as("one place free, two needed").isEqualTo(Consent.TABLE_FULL);

        assertThat(table.size()).isEqualTo(2);
        table.lookedUp(alice, carol);
        assertThat(table.lookedUp(carol, alice)).as("the free place is still there for carol")
                .isEqualTo(Consent.PERMITTED);
        assertThat(table.size()).isEqualTo(3);
    }

    @Test
    void shouldPermitNothingWhenTheRelayIsOff() {
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        for (RelayLimits off : List.of(limits(0, 64 * 1024), limits(100, 0))) {
            RelayTable table = table(off);

            assertThat(off.enabled()).isFalse();
            assertThat(table.lookedUp(alice, bob)).as(off.toString()).isEqualTo(Consent.OFF);
            assertThat(table.lookedUp(bob, alice)).isEqualTo(Consent.OFF);
            assertThat(table.size()).isZero();
            assertThat(table.wishes()).isZero();
            assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
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
        pair(table, alice, bob);
        assertThat(table.expire()).as("nothing ended yet").isZero();

        clock.advance(Duration.ofMinutes(5));
        pair(table, alice, carol);
        pair(table, dave, erin);
        assertThat(table.size()).isEqualTo(5);

        clock.advance(Duration.ofMinutes(5)); // alice and bob's permission ends
        assertThat(table.expire()).as("bob; alice still holds carol").isEqualTo(1);
        assertThat(table.size()).isEqualTo(4);
        assertThat(relay(table, alice, bob).refusal()).isEqualTo(Refusal.NOT_PERMITTED);
        assertThat(relay(table, alice, carol).passes()).isTrue();
        assertThat(relay(table, bob, alice).refusal()).isEqualTo(Refusal.NOT_PERMITTED);

        clock.advance(Duration.ofMinutes(10));
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
        pair(table, alice, bob);
        registry.remove(alice);

        Registration carol = register("carol", 3, home(1)); // alice's old address and port
        assertThat(relay(table, carol, bob).refusal()).as("the entry there is still alice's")
                .isEqualTo(Refusal.NOT_PERMITTED);

        pair(table, carol, dave);
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
        pair(table, alice, bob);
        assertThat(passed(table, alice, bob, SMALL, 10)).isEqualTo(4);

        registry.remove(alice);
        Registration mallory = register("mallory", 3, home(1)); // the same socket, another key
        pair(table, mallory, bob);

        assertThat(passed(table, mallory, bob, SMALL, 10)).as("no fresh burst for a new key").isZero();
    }

    @Test
    void shouldKeepARelayingPairsPermissionHoweverManyStrangersLookEitherUp() {
        RelayTable table = table(1000, 8);
        Registration alice = register("alice", 1);
        Registration bob = register("bob", 2);
        pair(table, alice, bob);
        List<Registration> strangers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            strangers.add(register("stranger" + i, 10 + i));
        }
        int passed = 0;
        int sent = 0;

        for (int second = 0; second < 120; second++) {
            for (Registration stranger : strangers) {
                table.lookedUp(stranger, second % 2 == 0 ? alice : bob);
                // And half of them alice and bob even answer, as a peer greets whoever introduced itself.
                if (strangers.indexOf(stranger) % 2 == 0) {
                    relay(table, second % 2 == 0 ? alice : bob, stranger);
                }
            }
            for (int i = 0; i < 5; i++) {
                sent += 2;
                passed += (relay(table, alice, bob).passes() ? 1 : 0) + (relay(table, bob, alice).passes() ? 1 : 0);
            }
            clock.advance(Duration.ofSeconds(1));
        }

        assertThat(passed).as("of %d relayed datagrams", sent).isEqualTo(sent);
        assertThat(counted(Event.REFUSED_PERMISSIONS_FULL)).as("the strangers alice and bob answered beyond 8")
                .isPositive();
    }
}
