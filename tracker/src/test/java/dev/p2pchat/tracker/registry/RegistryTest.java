package dev.p2pchat.tracker.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.PeerInfo;
import dev.p2pchat.protocol.PrivateAddresses;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.CryptoException;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.SessionCipher;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.testsupport.MutableClock;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RegistryTest {
    private static final Duration LEASE = Duration.ofSeconds(90);
    private static final InetSocketAddress HOME = new InetSocketAddress("198.51.100.7", 40000);
    private static final InetSocketAddress CAFE = new InetSocketAddress("203.0.113.9", 51000);
    private static final Octets NO_KEY = Octets.zeros(Wire.KEY_SIZE);
    /** How long an ended registration's REGISTER timestamp is remembered: two cookie epochs of 60 s. */
    private static final Duration REPLAY_MEMORY = Duration.ofSeconds(120);
    private static final X25519.KeyPair TRACKER_KEY = X25519.generate(new SecureRandom());
    /** The session key of registrations whose session does not matter here: the registry only keeps it. */
    private static final X25519.KeyPair SESSION_KEY = X25519.generate(new SecureRandom());
    private static final Registry.Session SESSION = session(SESSION_KEY, 1);

    private final MutableClock clock = new MutableClock();
    private final Random random = new Random(42);
    private final Registry registry = new Registry(clock, random, 1000, LEASE, REPLAY_MEMORY);

    private Octets key(int seed) {
        byte[] bytes = new byte[Wire.KEY_SIZE];
        new Random(seed).nextBytes(bytes);
        return Octets.of(bytes);
    }

    /** A session of its own, agreed between the tracker's key and a fresh session key. */
    private static Registry.Session session(long timestamp) {
        return session(X25519.generate(new SecureRandom()), timestamp);
    }

    /** The tracker's side of the session a REGISTER carrying {@code sessionKey} opens. */
    private static Registry.Session session(X25519.KeyPair sessionKey, long timestamp) {
        try {
            return new Registry.Session(SessionCipher.Secret.forTracker(TRACKER_KEY,
                    Octets.of(sessionKey.publicKey())), Octets.of(sessionKey.publicKey()), timestamp);
        } catch (CryptoException e) {
            throw new AssertionError(e);
        }
    }

    /** The peer's side of session {@code session} of the REGISTER that carried {@code sessionKey}. */
    private static SessionCipher peerCipher(X25519.KeyPair sessionKey, long session) {
        try {
            return SessionCipher.Secret.forPeer(sessionKey, Octets.of(TRACKER_KEY.publicKey())).cipher(session);
        } catch (CryptoException e) {
            throw new AssertionError(e);
        }
    }

    /** What {@code receiver} makes of {@code sealed}: the message, or null when it does not open there. */
    private static TrackerMessage openedBy(SessionCipher receiver, Sealed sealed) {
        try {
            return receiver.open(sealed);
        } catch (CryptoException | ProtocolException e) {
            return null;
        }
    }

    private Registry.Result register(String name, Octets key) {
        return registry.register(name, key, NO_KEY, 0, HOME, List.of(), SESSION);
    }

    @Test
    void shouldRegisterAndFindAPeerWithEverythingItAnnounced() {
        Octets agreement = key(99);
        InetSocketAddress lan = new InetSocketAddress("192.168.1.20", 40000);
        Registry.Result result = registry.register("alice", key(1), agreement, 0x5, HOME, List.of(lan), SESSION);

        assertThat(result.isOk()).isTrue();
        assertThat(result.registration().token()).isNotZero();
        Registration alice = registry.find("alice");
        PeerInfo info = alice.toPeerInfoFor(alice);
        assertThat(info).isEqualTo(new PeerInfo("alice", key(1), agreement, 0x5, HOME, List.of(lan)));
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void shouldTellLanAddressesOnlyToAPeerBehindTheSamePublicAddress() {
        InetSocketAddress lan = new InetSocketAddress("192.168.1.20", 40000);
        registry.register("alice", key(1), NO_KEY, 0, HOME, List.of(lan), SESSION);
        registry.register("roommate", key(2), NO_KEY, 0, new InetSocketAddress(HOME.getAddress(), 40001),
                List.of(), session(200));
        registry.register("stranger", key(3), NO_KEY, 0, new InetSocketAddress("203.0.113.50", 40000), List.of(),
                session(300));
        Registration alice = registry.find("alice");

        assertThat(alice.toPeerInfoFor(registry.find("roommate")).privateAddresses()).containsExactly(lan);
        assertThat(alice.toPeerInfoFor(registry.find("stranger")).privateAddresses()).isEmpty();
        assertThat(alice.toPeerInfoFor(registry.find("stranger")).observed()).isEqualTo(HOME);
    }

    @Test
    void shouldRefuseANameHeldByAnotherKey() {
        register("alice", key(1));

        assertThat(register("alice", key(2)).error()).isEqualTo(ErrorCode.NAME_TAKEN);
        assertThat(registry.find("alice").identityKey()).isEqualTo(key(1));
    }

    @Test
    void shouldOpenANewSessionWithANewTokenEvenWhenTheHolderRegistersAgainFromTheSameAddress() {
        X25519.KeyPair secondKey = X25519.generate(new SecureRandom());
        Registry.Session first = session(100);
        Registry.Session second = session(secondKey, 200);
        long firstToken = registry.register("alice", key(1), NO_KEY, 0, HOME, List.of(), first).registration()
                .token();
        clock.advance(Duration.ofSeconds(60));

        Registration again = registry.register("alice", key(1), NO_KEY, 0, HOME, List.of(), second).registration();

        // Each REGISTER opens a session of its own: the old token, and the keys behind it, name nothing any more.
        assertThat(again.token()).isNotEqualTo(firstToken).isNotZero();
        // The cipher is the second REGISTER's, bound to the new token: what it seals opens only in that session.
        assertThat(again.session().session()).isEqualTo(again.token());
        Ok ok = new Ok(7);
        assertThat(openedBy(peerCipher(secondKey, again.token()), again.session().seal(ok))).isEqualTo(ok);
        assertThat(again.hasSessionKey(second.key())).isTrue();
        assertThat(again.hasSessionKey(first.key())).isFalse();
        assertThat(again.timestamp()).isEqualTo(200);
        assertThat(registry.findSession(again.token())).isSameAs(again);
        assertThat(registry.findSession(firstToken)).isNull();
        assertThat(registry.keepalive("alice", firstToken, HOME).error()).isEqualTo(ErrorCode.BAD_TOKEN);
        assertThat(registry.find("alice").expiresAtMillis()).isEqualTo(clock.millis() + LEASE.toMillis());
    }

    @Test
    void shouldRememberTheLastRegisterTimestampOfALiveRegistrationAndOfAnUnregisteredOneForTheReplayMemory() {
        assertThat(registry.lastTimestamp(key(1))).as("never registered").isEqualTo(Long.MIN_VALUE);
        registry.register("alice", key(1), NO_KEY, 0, HOME, List.of(), session(100));
        assertThat(registry.lastTimestamp(key(1))).isEqualTo(100);
        Registration alice = registry.register("alicia", key(1), NO_KEY, 0, CAFE, List.of(), session(200))
                .registration();
        assertThat(registry.lastTimestamp(key(1))).as("the newest session's").isEqualTo(200);
        registry.register("bob", key(2), NO_KEY, 0, HOME, List.of(), session(300));

        registry.remove(alice);

        // A captured REGISTER of alice must stay a replay for as long as its cookie could still be accepted.
        assertThat(registry.find(key(1))).isNull();
        assertThat(registry.lastTimestamp(key(1))).as("ended, remembered").isEqualTo(200);
        assertThat(registry.lastTimestamp(key(2))).as("another key's own").isEqualTo(300);
        clock.advance(REPLAY_MEMORY.minusMillis(1));
        registry.expire();
        assertThat(registry.lastTimestamp(key(1))).isEqualTo(200);
        clock.advance(Duration.ofMillis(1));
        assertThat(registry.lastTimestamp(key(1))).as("forgotten after the memory").isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void shouldRememberTheLastRegisterTimestampOfARegistrationWhoseLeaseEnded() {
        registry.register("alice", key(1), NO_KEY, 0, HOME, List.of(), session(100));
        registry.register("bob", key(2), NO_KEY, 0, HOME, List.of(), session(200));
        clock.advance(LEASE);

        // Ended when looked at (alice) or when swept (bob): both are remembered from then on.
        assertThat(registry.find(key(1))).isNull();
        assertThat(registry.expire()).isEqualTo(1);
        assertThat(registry.size()).isZero();
        assertThat(registry.lastTimestamp(key(1))).isEqualTo(100);
        assertThat(registry.lastTimestamp(key(2))).isEqualTo(200);

        clock.advance(REPLAY_MEMORY);
        registry.expire();
        assertThat(registry.lastTimestamp(key(1))).isEqualTo(Long.MIN_VALUE);
        assertThat(registry.lastTimestamp(key(2))).isEqualTo(Long.MIN_VALUE);
        // A new registration of the key is its own again.
        registry.register("alice", key(1), NO_KEY, 0, HOME, List.of(), session(50));
        assertThat(registry.lastTimestamp(key(1))).isEqualTo(50);
    }

    @Test
    void shouldRememberAtMostMaxPeersEndedRegistrationsForgettingTheOldestFirst() {
        Registry small = new Registry(clock, random, 2, LEASE, REPLAY_MEMORY);
        for (int i = 1; i <= 3; i++) {
            small.remove(small.register("peer-" + i, key(i), NO_KEY, 0, HOME, List.of(), session(100 * i))
                    .registration());
        }

        assertThat(small.lastTimestamp(key(1))).as("the oldest, forgotten").isEqualTo(Long.MIN_VALUE);
        assertThat(small.lastTimestamp(key(2))).isEqualTo(200);
        assertThat(small.lastTimestamp(key(3))).isEqualTo(300);
    }

    @Test
    void shouldFindARegistrationBySessionTokenOnlyWhileItIsLive() {
        Registration alice = register("alice", key(1)).registration();
        Registration bob = register("bob", key(2)).registration();

        assertThat(registry.findSession(alice.token())).isSameAs(alice);
        assertThat(registry.findSession(bob.token())).isSameAs(bob);
        assertThat(registry.findSession(0)).as("0 is never a token").isNull();

        long bobsToken = bob.token();
        registry.remove(bob);
        assertThat(registry.findSession(bobsToken)).as("unregistered").isNull();

        clock.advance(LEASE);
        assertThat(registry.findSession(alice.token())).as("the lease ended").isNull();
        assertThat(registry.size()).isZero();
    }

    @Test
    void shouldMoveTheRegistrationWithANewTokenWhenTheHolderRegistersFromANewAddress() {
        long first = register("alice", key(1)).registration().token();

        Registry.Result moved = registry.register("alice", key(1), NO_KEY, 0, CAFE, List.of(), SESSION);

        assertThat(moved.registration().token()).isNotEqualTo(first);
        assertThat(registry.find("alice").observed()).isEqualTo(CAFE);
        assertThat(registry.keepalive("alice", first, HOME).error()).isEqualTo(ErrorCode.NOT_REGISTERED);
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void shouldMoveAKeysRegistrationWhenItRegistersANewName() {
        register("alice", key(1));

        assertThat(register("alicia", key(1)).isOk()).isTrue();

        assertThat(registry.find("alice")).isNull();
        assertThat(registry.find("alicia").identityKey()).isEqualTo(key(1));
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void shouldRejectInvalidNamesWithNameInvalid() {
        for (String bad : List.of("Alice", "-alice", "al ice", "al/ice", "a".repeat(33), "")) {
            assertThat(register(bad, key(1)).error()).as(bad).isEqualTo(ErrorCode.NAME_INVALID);
        }
        assertThat(registry.size()).isZero();
    }

    @Test
    void shouldAcceptOnlyPrivateRangesAsAnnouncedAddresses() {
        for (String good : List.of("10.1.2.3", "172.16.0.9", "192.168.1.1", "100.64.0.1", "169.254.3.4",
                "fd00::1", "fe80::1")) {
            assertThat(PrivateAddresses.isPrivate(new InetSocketAddress(good, 1).getAddress())).as(good).isTrue();
        }
        for (String bad : List.of("0.0.0.0", "127.0.0.1", "8.8.8.8", "100.128.0.1", "224.0.0.1",
                "255.255.255.255", "::", "::1", "2001:db8::1")) {
            Registry.Result result = registry.register("alice", key(1), NO_KEY, 0, HOME,
                    List.of(new InetSocketAddress(bad, 4000)), SESSION);
            assertThat(result.error()).as(bad).isEqualTo(ErrorCode.ADDRESS_INVALID);
        }
    }

    @Test
    void shouldExpireARegistrationWhenItsLeaseEndsWithoutKeepalive() {
        register("alice", key(1));

        clock.advance(LEASE.minusMillis(1));
        assertThat(registry.find("alice")).isNotNull();
        clock.advance(Duration.ofMillis(1));
        assertThat(registry.find("alice")).isNull();
        assertThat(registry.size()).isZero();
    }

    @Test
    void shouldKeepARegistrationAliveWithKeepalivesFromItsAddress() {
        long token = register("alice", key(1)).registration().token();

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(60));
            assertThat(registry.keepalive("alice", token, HOME).isOk()).isTrue();
        }

        assertThat(registry.find("alice")).isNotNull();
    }

    @Test
    void shouldRefuseKeepalivesWithTheWrongTokenFromAnotherAddressOrForUnknownNames() {
        long token = register("alice", key(1)).registration().token();

        assertThat(registry.keepalive("alice", token + 1, HOME).error()).isEqualTo(ErrorCode.BAD_TOKEN);
        // A token seen on the wire does not move the registration to the sender's address.
        assertThat(registry.keepalive("alice", token, CAFE).error()).isEqualTo(ErrorCode.NOT_REGISTERED);
        assertThat(registry.keepalive("bob", token, HOME).error()).isEqualTo(ErrorCode.NOT_REGISTERED);
        assertThat(registry.find("alice").observed()).isEqualTo(HOME);
    }

    @Test
    void shouldLetANewKeyTakeANameOnceTheOldLeaseHasEnded() {
        register("alice", key(1));
        clock.advance(LEASE);

        assertThat(register("alice", key(2)).isOk()).isTrue();
        assertThat(registry.find("alice").identityKey()).isEqualTo(key(2));
    }

    @Test
    void shouldRenameToAFreeNameAndRefuseAHeldOne() {
        Registration alice = register("alice", key(1)).registration();
        register("bob", key(2));

        assertThat(registry.rename(alice, "bob").error()).isEqualTo(ErrorCode.NAME_TAKEN);
        assertThat(registry.rename(alice, "Bad Name").error()).isEqualTo(ErrorCode.NAME_INVALID);
        assertThat(registry.rename(alice, "carol").isOk()).isTrue();

        assertThat(registry.find("alice")).isNull();
        assertThat(registry.find("carol").identityKey()).isEqualTo(key(1));
        assertThat(registry.find("bob").identityKey()).isEqualTo(key(2));
    }

    @Test
    void shouldRefuseNewPeersWhenFullButStillRefreshExistingOnes() {
        Registry small = new Registry(clock, random, 2, LEASE, REPLAY_MEMORY);
        small.register("a", key(1), NO_KEY, 0, HOME, List.of(), SESSION);
        small.register("b", key(2), NO_KEY, 0, HOME, List.of(), SESSION);

        assertThat(small.register("c", key(3), NO_KEY, 0, HOME, List.of(), SESSION).error())
                .isEqualTo(ErrorCode.REGISTRY_FULL);
        assertThat(small.register("a", key(1), NO_KEY, 0, CAFE, List.of(), SESSION).isOk()).isTrue();
        clock.advance(LEASE);
        small.expire(); // the server sweeps every second
        assertThat(small.register("c", key(3), NO_KEY, 0, HOME, List.of(), SESSION).isOk()).isTrue();
    }

    /** A registry that holds at most {@code perHost} live registrations per host, {@code perNetwork} per network. */
    private Registry budgeted(int perHost, int perNetwork) {
        return new Registry(clock, random, 1000, perHost, perNetwork, LEASE, REPLAY_MEMORY);
    }

    private static Registry.Result register(Registry registry, String name, int key, String address, int port) {
        return registry.register(name, keyOf(key), NO_KEY, 0, new InetSocketAddress(address, port), List.of(),
                session(key));
    }

    private static Octets keyOf(int seed) {
        byte[] bytes = new byte[Wire.KEY_SIZE];
        new Random(seed).nextBytes(bytes);
        return Octets.of(bytes);
    }

    @Test
    void shouldRefuseRegistrationsBeyondTheHostsAndTheNetworksBudgetWithNetworkFull() {
        Registry registry = budgeted(3, 5);
        for (int i = 0; i < 3; i++) {
            assertThat(register(registry, "a" + i, i, "198.51.100.7", 40000 + i).isOk()).isTrue();
        }
        assertThat(register(registry, "a3", 3, "198.51.100.7", 40003).error()).as("a fourth from one address")
                .isEqualTo(ErrorCode.NETWORK_FULL);
        assertThat(register(registry, "b0", 10, "198.51.100.8", 40000).isOk()).isTrue();
        assertThat(register(registry, "b1", 11, "198.51.100.9", 40000).isOk()).isTrue();
        assertThat(register(registry, "b2", 12, "198.51.100.200", 40000).error()).as("a sixth from one /24")
                .isEqualTo(ErrorCode.NETWORK_FULL);

        assertThat(register(registry, "c0", 20, "198.51.101.1", 40000).isOk()).as("the next /24").isTrue();
        assertThat(register(registry, "a0", 0, "198.51.100.7", 40000).isOk())
                .as("a registration again from where it is counts once").isTrue();
        assertThat(registry.size()).isEqualTo(6);
    }

    @Test
    void shouldCountIpv6ByTheSlash64AndTheSlash48() {
        Registry registry = budgeted(2, 3);
        assertThat(register(registry, "a", 1, "2001:db8:1:1::1", 40000).isOk()).isTrue();
        assertThat(register(registry, "b", 2, "2001:db8:1:1:ffff::2", 40000).isOk()).isTrue();
        assertThat(register(registry, "c", 3, "2001:db8:1:1::3", 40000).error()).as("a third in one /64")
                .isEqualTo(ErrorCode.NETWORK_FULL);
        assertThat(register(registry, "d", 4, "2001:db8:1:2::1", 40000).isOk()).as("another /64").isTrue();
        assertThat(register(registry, "e", 5, "2001:db8:1:ffff::1", 40000).error()).as("a fourth in one /48")
                .isEqualTo(ErrorCode.NETWORK_FULL);
        assertThat(register(registry, "f", 6, "2001:db8:2::1", 40000).isOk()).as("another /48").isTrue();
        assertThat(register(registry, "g", 7, "198.51.100.7", 40000).isOk()).as("IPv4 counts apart").isTrue();
    }

    @Test
    void shouldCountOnlyLiveRegistrationsSoThatEndedOnesMakeRoom() {
        Registry registry = budgeted(2, 2);
        register(registry, "a", 1, "198.51.100.7", 40000);
        register(registry, "b", 2, "198.51.100.7", 40001);
        assertThat(register(registry, "c", 3, "198.51.100.7", 40002).error()).isEqualTo(ErrorCode.NETWORK_FULL);

        Registration a = registry.find("a");
        registry.remove(a);
        registry.remove(a); // twice: counted once
        assertThat(register(registry, "c", 3, "198.51.100.7", 40002).isOk()).as("a unregistered").isTrue();
        assertThat(register(registry, "d", 4, "198.51.100.7", 40003).error()).isEqualTo(ErrorCode.NETWORK_FULL);
        assertThat(registry.rename(registry.find("c"), "renamed").isOk()).isTrue();
        assertThat(register(registry, "d", 4, "198.51.100.7", 40003).error()).as("a rename counts the same")
                .isEqualTo(ErrorCode.NETWORK_FULL);

        clock.advance(LEASE);
        registry.expire(); // the server sweeps every second
        assertThat(register(registry, "d", 4, "198.51.100.7", 40003).isOk()).as("leases ended").isTrue();
        assertThat(register(registry, "e", 5, "198.51.100.7", 40004).isOk()).isTrue();
        assertThat(register(registry, "f", 6, "198.51.100.7", 40005).error()).isEqualTo(ErrorCode.NETWORK_FULL);
    }

    @Test
    void shouldCountAMovedRegistrationAgainstItsNewHostOnly() {
        Registry registry = budgeted(1, 10);
        register(registry, "alice", 1, "198.51.100.7", 40000);
        register(registry, "bob", 2, "203.0.113.9", 40000);

        assertThat(register(registry, "alice", 1, "203.0.113.9", 40001).error()).as("bob's host is full")
                .isEqualTo(ErrorCode.NETWORK_FULL);
        assertThat(registry.find("alice").observed()).isEqualTo(new InetSocketAddress("198.51.100.7", 40000));
        assertThat(register(registry, "alice", 1, "198.51.100.7", 40001).isOk()).as("another port, same host")
                .isTrue();

        registry.remove(registry.find("bob"));
        assertThat(register(registry, "alice", 1, "203.0.113.9", 40001).isOk()).isTrue();
        assertThat(register(registry, "carol", 3, "198.51.100.7", 40000).isOk()).as("alice's old host is free")
                .isTrue();
        assertThat(register(registry, "dave", 4, "203.0.113.9", 40002).error()).isEqualTo(ErrorCode.NETWORK_FULL);
    }

    @Test
    void shouldTellASenderOverItsNetworksBudgetSoEvenWhenTheRegistryIsFull() {
        Registry registry = new Registry(clock, random, 2, 1, 1, LEASE, REPLAY_MEMORY);
        register(registry, "alice", 1, "198.51.100.7", 40000);
        register(registry, "bob", 2, "203.0.113.9", 40000);

        assertThat(register(registry, "carol", 3, "198.51.100.8", 40000).error()).isEqualTo(ErrorCode.NETWORK_FULL);
        assertThat(register(registry, "carol", 3, "192.0.2.1", 40000).error()).isEqualTo(ErrorCode.REGISTRY_FULL);
    }

    @Test
    void shouldKeepTheBudgetsCountsRightUnderRandomChurn() {
        int perHost = 4;
        int perNetwork = 9;
        Registry churn = budgeted(perHost, perNetwork);
        String[] addresses = new String[12];
        for (int i = 0; i < addresses.length; i++) {
            addresses[i] = "198.51." + (100 + i / 4) + "." + (1 + i % 4); // three /24s of four hosts each
        }
        java.util.Map<Integer, String> at = new java.util.HashMap<>(); // key to its live registration's host
        java.util.Map<Integer, Long> endsAt = new java.util.HashMap<>();
        Random ops = new Random(11);
        int refused = 0;
        for (int i = 0; i < 20_000; i++) {
            int key = ops.nextInt(200);
            int op = ops.nextInt(10);
            if (op == 0) {
                // Ended leases count until the sweep (every second in the server): the model sweeps with it.
                clock.advance(Duration.ofSeconds(ops.nextInt(20)));
                churn.expire();
                long now = clock.millis();
                endsAt.values().removeIf(end -> end <= now);
                at.keySet().retainAll(endsAt.keySet());
            } else if (op == 1) {
                Registration existing = churn.find(keyOf(key));
                if (existing != null) {
                    churn.remove(existing);
                    at.remove(key);
                }
            } else {
                String address = addresses[ops.nextInt(addresses.length)];
                String from = at.get(key);
                long host = at.entrySet().stream().filter(e -> e.getValue().equals(address) && e.getKey() != key)
                        .count();
                String prefix = address.substring(0, address.lastIndexOf('.'));
                long network = at.entrySet().stream().filter(e -> e.getValue().startsWith(prefix + ".")
                        && e.getKey() != key).count();
                boolean fits = host < perHost && network < perNetwork;
                Registry.Result result = register(churn, "k" + key, key, address, 40000 + ops.nextInt(3));
                assertThat(result.error()).as("step %d: %s (%d at the host, %d in the network, from %s)", i,
                        address, host, network, from).isEqualTo(fits ? null : ErrorCode.NETWORK_FULL);
                if (fits) {
                    at.put(key, address);
                    endsAt.put(key, clock.millis() + LEASE.toMillis());
                } else {
                    refused++;
                }
            }
        }
        assertThat(refused).as("the budgets bound").isPositive();
        assertThat(churn.size()).isLessThanOrEqualTo(3 * perNetwork);
    }

    @Test
    void shouldRemoveExpiredRegistrationsInASweep() {
        for (int i = 0; i < 100; i++) {
            register("peer-" + i, key(i));
        }
        clock.advance(Duration.ofSeconds(30));
        for (int i = 0; i < 10; i++) {
            register("late-" + i, key(1000 + i));
        }
        clock.advance(Duration.ofSeconds(60));

        assertThat(registry.expire()).isEqualTo(100);
        assertThat(registry.size()).isEqualTo(10);
    }

    @Test
    void shouldListEveryLivePeerExactlyOnceAcrossPagesThatFitASealedDatagram() {
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 500; i++) {
            String name = "peer-" + i + "-" + "x".repeat(i % 20);
            register(name, key(i));
            expected.add(name);
        }
        List<String> listed = new ArrayList<>();
        int cursor = 0;
        int pages = 0;
        do {
            Registry.Page page = registry.list(cursor,
                    TrackerWire.MAX_SEALED_MESSAGE_SIZE - TrackerWire.LIST_PAGE_FIXED_SIZE);
            // throws if over what a SEALED carries in one datagram
            new ListPage(1, page.nextCursor(), registry.size(), page.entries());
            page.entries().forEach(entry -> listed.add(entry.name()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != 0 && pages < 1000);

        assertThat(listed).hasSize(500).doesNotHaveDuplicates();
        assertThat(new HashSet<>(listed)).isEqualTo(expected);
        assertThat(pages).isGreaterThan(500 / TrackerWire.MAX_LIST_ENTRIES);
    }

    @Test
    void shouldBoundTheSlotsOneListingWalksAndShrinkAfterMassExpiry() {
        Registry big = new Registry(clock, random, 100_000, LEASE, REPLAY_MEMORY);
        for (int i = 0; i < 50_000; i++) {
            big.register("peer-" + i, key(i), NO_KEY, 0, HOME, List.of(), SESSION);
        }
        clock.advance(LEASE);
        big.register("last", key(-1), NO_KEY, 0, HOME, List.of(), SESSION);

        Registry.Page stale = big.list(0, Wire.MAX_DATAGRAM_SIZE);
        assertThat(stale.entries().size()).isLessThanOrEqualTo(1);
        assertThat(stale.nextCursor()).isEqualTo(Registry.MAX_LIST_SCAN);

        assertThat(big.expire()).isEqualTo(50_000);
        Registry.Page shrunk = big.list(0, Wire.MAX_DATAGRAM_SIZE);
        assertThat(shrunk.entries()).extracting(ListPage.Entry::name).containsExactly("last");
        assertThat(shrunk.nextCursor()).isZero();
        assertThat(big.list(-5, Wire.MAX_DATAGRAM_SIZE)).isEqualTo(new Registry.Page(List.of(), 0));
        assertThat(big.list(1 << 30, Wire.MAX_DATAGRAM_SIZE)).isEqualTo(new Registry.Page(List.of(), 0));
    }

    @Test
    void shouldKeepIndexesConsistentUnderRandomChurn() {
        Registry churn = new Registry(clock, random, 10_000, LEASE, REPLAY_MEMORY);
        java.util.Map<String, Octets> model = new java.util.HashMap<>();
        Random ops = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            String name = "n" + ops.nextInt(300);
            Octets key = key(ops.nextInt(300));
            if (ops.nextInt(3) == 0) {
                Registration existing = churn.find(name);
                if (existing != null) {
                    churn.remove(existing);
                    model.remove(name);
                }
            } else if (churn.register(name, key, NO_KEY, 0, HOME, List.of(), SESSION).isOk()) {
                model.values().remove(key);
                model.put(name, key);
            }
        }
        assertThat(churn.size()).isEqualTo(model.size());
        model.forEach((name, key) -> assertThat(churn.find(name).identityKey()).isEqualTo(key));
    }
}
