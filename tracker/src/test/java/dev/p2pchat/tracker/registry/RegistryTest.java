package dev.p2pchat.tracker.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.PeerInfo;
import dev.p2pchat.protocol.PrivateAddresses;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.testsupport.MutableClock;
import java.net.InetSocketAddress;
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

    private final MutableClock clock = new MutableClock();
    private final Random random = new Random(42);
    private final Registry registry = new Registry(clock, random, 1000, LEASE);

    private Octets key(int seed) {
        byte[] bytes = new byte[Wire.KEY_SIZE];
        new Random(seed).nextBytes(bytes);
        return Octets.of(bytes);
    }

    private Registry.Result register(String name, Octets key) {
        return registry.register(name, key, NO_KEY, 0, HOME, List.of());
    }

    @Test
    void shouldRegisterAndFindAPeerWithEverythingItAnnounced() {
        Octets agreement = key(99);
        InetSocketAddress lan = new InetSocketAddress("192.168.1.20", 40000);
        Registry.Result result = registry.register("alice", key(1), agreement, 0x5, HOME, List.of(lan));

        assertThat(result.isOk()).isTrue();
        assertThat(result.registration().token()).isNotZero();
        PeerInfo info = registry.find("alice").toPeerInfo();
        assertThat(info).isEqualTo(new PeerInfo("alice", key(1), agreement, 0x5, HOME, List.of(lan)));
        assertThat(registry.size()).isEqualTo(1);
    }

    @Test
    void shouldRefuseANameHeldByAnotherKey() {
        register("alice", key(1));

        assertThat(register("alice", key(2)).error()).isEqualTo(ErrorCode.NAME_TAKEN);
        assertThat(registry.find("alice").identityKey()).isEqualTo(key(1));
    }

    @Test
    void shouldKeepTheTokenWhenTheHolderRegistersAgainFromTheSameAddress() {
        long first = register("alice", key(1)).registration().token();
        clock.advance(Duration.ofSeconds(60));

        Registry.Result again = register("alice", key(1));

        assertThat(again.registration().token()).isEqualTo(first);
        assertThat(registry.find("alice").expiresAtMillis()).isEqualTo(clock.millis() + LEASE.toMillis());
    }

    @Test
    void shouldMoveTheRegistrationWithANewTokenWhenTheHolderRegistersFromANewAddress() {
        long first = register("alice", key(1)).registration().token();

        Registry.Result moved = registry.register("alice", key(1), NO_KEY, 0, CAFE, List.of());

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
                    List.of(new InetSocketAddress(bad, 4000)));
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
        Registry small = new Registry(clock, random, 2, LEASE);
        small.register("a", key(1), NO_KEY, 0, HOME, List.of());
        small.register("b", key(2), NO_KEY, 0, HOME, List.of());

        assertThat(small.register("c", key(3), NO_KEY, 0, HOME, List.of()).error())
                .isEqualTo(ErrorCode.REGISTRY_FULL);
        assertThat(small.register("a", key(1), NO_KEY, 0, CAFE, List.of()).isOk()).isTrue();
        clock.advance(LEASE);
        small.expire(); // the server sweeps every second
        assertThat(small.register("c", key(3), NO_KEY, 0, HOME, List.of()).isOk()).isTrue();
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
    void shouldListEveryLivePeerExactlyOnceAcrossPagesThatFitADatagram() {
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
            Registry.Page page = registry.list(cursor, Wire.MAX_DATAGRAM_SIZE - TrackerWire.LIST_PAGE_FIXED_SIZE);
            new ListPage(1, page.nextCursor(), registry.size(), page.entries()); // throws if over a datagram
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
        Registry big = new Registry(clock, random, 100_000, LEASE);
        for (int i = 0; i < 50_000; i++) {
            big.register("peer-" + i, key(i), NO_KEY, 0, HOME, List.of());
        }
        clock.advance(LEASE);
        big.register("last", key(-1), NO_KEY, 0, HOME, List.of());

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
        Registry churn = new Registry(clock, random, 10_000, LEASE);
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
            } else if (churn.register(name, key, NO_KEY, 0, HOME, List.of()).isOk()) {
                model.values().remove(key);
                model.put(name, key);
            }
        }
        assertThat(churn.size()).isEqualTo(model.size());
        model.forEach((name, key) -> assertThat(churn.find(name).identityKey()).isEqualTo(key));
    }
}
