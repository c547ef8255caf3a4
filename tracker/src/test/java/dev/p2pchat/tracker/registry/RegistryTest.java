package dev.p2pchat.tracker.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.ErrorCode;
import dev.p2pchat.protocol.Message.ListPage;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.PeerInfo;
import dev.p2pchat.protocol.Wire;
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
    void shouldRefreshTheHoldersRegistrationWithANewToken() {
        long first = register("alice", key(1)).registration().token();
        clock.advance(Duration.ofSeconds(60));

        Registry.Result again = registry.register("alice", key(1), NO_KEY, 0, CAFE, List.of());

        assertThat(again.registration().token()).isNotEqualTo(first);
        assertThat(registry.find("alice").observed()).isEqualTo(CAFE);
        assertThat(registry.find("alice").expiresAtMillis()).isEqualTo(clock.millis() + LEASE.toMillis());
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
    void shouldRejectUnusablePrivateAddresses() {
        for (String bad : List.of("0.0.0.0", "224.0.0.1", "255.255.255.255", "::")) {
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
    void shouldKeepARegistrationAliveAndFollowItsAddressOnKeepalive() {
        long token = register("alice", key(1)).registration().token();

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(60));
            assertThat(registry.keepalive("alice", token, CAFE).isOk()).isTrue();
        }

        assertThat(registry.find("alice").observed()).isEqualTo(CAFE);
    }

    @Test
    void shouldRefuseKeepalivesWithTheWrongTokenOrForUnknownNames() {
        long token = register("alice", key(1)).registration().token();

        assertThat(registry.keepalive("alice", token + 1, CAFE).error()).isEqualTo(ErrorCode.BAD_TOKEN);
        assertThat(registry.keepalive("bob", token, CAFE).error()).isEqualTo(ErrorCode.NOT_REGISTERED);
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
            Registry.Page page = registry.list(cursor, Wire.MAX_DATAGRAM_SIZE - Wire.LIST_PAGE_FIXED_SIZE);
            new ListPage(1, page.nextCursor(), registry.size(), page.entries()); // throws if over a datagram
            page.entries().forEach(entry -> listed.add(entry.name()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != 0 && pages < 1000);

        assertThat(listed).hasSize(500).doesNotHaveDuplicates();
        assertThat(new HashSet<>(listed)).isEqualTo(expected);
        assertThat(pages).isGreaterThan(500 / Wire.MAX_LIST_ENTRIES);
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
