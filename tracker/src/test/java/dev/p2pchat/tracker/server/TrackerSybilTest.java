package dev.p2pchat.tracker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import dev.p2pchat.testsupport.MutableClock;
import dev.p2pchat.testsupport.TrackerTestClient;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.identity.TrackerIdentity;
import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import dev.p2pchat.tracker.relay.RelayLimits;
import dev.p2pchat.tracker.relay.RelayTable;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The tracker against sybils, measured as an attacker would: many keys registered from many addresses of one
 * network, lookups of a victim every second, and floods of one-shot lookups. Clients bind addresses of 127.0.0.0/8,
 * which Linux routes to loopback: 127.0.0.x is one /24, 127.0.1.x, 127.0.2.x and 127.0.3.x others.
 */
@Timeout(120)
class TrackerSybilTest {
    private static final Duration WAIT = TrackerTestClient.DEFAULT_TIMEOUT;
    private static final byte[] PAYLOAD = "a sealed peer frame, opaque to the tracker".getBytes();

    private final Random seeded = new Random(20261121);
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private long relaysSent;
    private TrackerServer server;
    private InetSocketAddress tracker;

    private void start(TrackerConfig config, Clock clock) throws Exception {
        server = new TrackerServer(config, clock, new SecureRandom(), TrackerIdentity.ephemeral(new SecureRandom()));
        tracker = server.start();
    }

    private TrackerMetrics metrics() {
        return server.metrics();
    }

    private Identity identity() {
        byte[] seed = new byte[Identity.PRIVATE_KEY_SIZE];
        seeded.nextBytes(seed);
        return Identity.fromPrivateKey(seed);
    }

    /** A client on {@code address} (any port) with a cookie. */
    private TrackerTestClient client(String address) {
        TrackerTestClient client = new TrackerTestClient(new InetSocketAddress(address, 0), tracker);
        closeLater.add(client);
        client.fetchCookie();
        return client;
    }

    /** A client on {@code address}, registered as {@code name} under a new key. */
    private TrackerTestClient registered(String address, String name) {
        TrackerTestClient client = client(address);
        assertThat(client.register(identity(), name)).as(name).isInstanceOf(Registered.class);
        return client;
    }

    /** Looks {@code b} up from {@code a} and {@code a} from {@code b}: both want the relay. */
    private static void lookUpEachOther(TrackerTestClient a, TrackerTestClient b) {
        assertThat(a.lookup(b.name())).isInstanceOf(LookupResult.class);
        assertThat(b.lookup(a.name())).isInstanceOf(LookupResult.class);
    }

    private static Octets keyOf(TrackerTestClient client) {
        Transaction found = client.lookup(client.name());
        assertThat(found).isInstanceOf(LookupResult.class);
        return ((LookupResult) found).peer().identityKey();
    }

    /** Sends a RELAY from {@code from} towards {@code toKey}, counted so that the test knows when it was decided. */
    private void relay(TrackerTestClient from, Octets toKey) {
        from.relay(toKey, PAYLOAD);
        relaysSent++;
    }

    /** Waits until the tracker has passed on or dropped every RELAY sent so far. */
    private void awaitRelaysDecided() throws InterruptedException {
        TrackerMetrics metrics = metrics();
        awaitCounter(() -> metrics.relayedDatagrams() + metrics.dropped(DropReason.RELAY_NOT_PERMITTED)
                + metrics.dropped(DropReason.RELAY_OVER_BUDGET) + metrics.dropped(DropReason.RELAY_NOT_REGISTERED),
                relaysSent);
    }

    /**
     * {@code count} RELAYs from {@code from} to {@code to} (whose key is {@code toKey}); returns how many the
     * tracker passed on, each of which {@code to} must receive. Introductions that arrive meanwhile are dropped.
     */
    private int relayed(TrackerTestClient from, TrackerTestClient to, Octets toKey, int count)
            throws InterruptedException {
        awaitRelaysDecided();
        long before = metrics().relayedDatagrams();
        for (int i = 0; i < count; i++) {
            relay(from, toKey);
        }
        awaitRelaysDecided();
        int passed = (int) (metrics().relayedDatagrams() - before);
        for (int i = 0; i < passed; i++) {
            Relayed relayed = to.receiveRelayed(WAIT);
            assertThat(relayed).as("RELAYED %d of %d", i + 1, passed).isNotNull();
            assertThat(relayed.payload()).isEqualTo(Octets.of(PAYLOAD));
        }
        to.unsolicited().clear();
        return passed;
    }

    /** Polls {@code counter} until it reaches {@code expected}, failing after five seconds. */
    private static void awaitCounter(LongSupplier counter, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(counter.getAsLong()).isEqualTo(expected);
    }

    /** Every name of one or two characters the naming rule allows, then three-character ones, in order. */
    private static List<String> shortNames(int count) {
        String first = "abcdefghijklmnopqrstuvwxyz0123456789";
        String rest = first + "._-";
        List<String> names = new ArrayList<>();
        for (char a : first.toCharArray()) {
            names.add(String.valueOf(a));
        }
        for (char a : first.toCharArray()) {
            for (char b : rest.toCharArray()) {
                names.add("" + a + b);
            }
        }
        for (int i = 0; names.size() < count; i++) {
            names.add(names.get(36 + i) + "x");
        }
        return names.subList(0, count);
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable closeable : closeLater) {
            closeable.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void shouldHoldA24ToItsShareWhen150OfItsAddressesRegister3000SybilsAndTellEveryOneRefused() throws Exception {
        // The REGISTER rate per network and the signature rate per host have tests of their own: off here, so that
        // every REGISTER meets the budgets of live registrations.
        start(TrackerConfig.builder().loopback().maxPeers(3000).registrationRateLimit(0).signatureRateLimit(0)
                .build(), Clock.systemUTC());
        List<TrackerTestClient> attackers = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            attackers.add(client("127.0.0." + (2 + i)));
        }
        List<String> names = shortNames(3000);
        Map<ErrorCode, Integer> refused = new EnumMap<>(ErrorCode.class);
        List<String> taken = new ArrayList<>();

        for (int i = 0; i < names.size(); i++) {
            Transaction reply = attackers.get(i % attackers.size()).register(identity(), names.get(i));
            if (reply instanceof Registered) {
                taken.add(names.get(i));
            } else {
                assertThat(reply).as("registration %d: told why", i).isInstanceOf(ErrorReply.class);
                refused.merge(((ErrorReply) reply).code(), 1, Integer::sum);
            }
        }

        assertThat(taken).as("the /24's share").hasSize(256);
        assertThat(refused).isEqualTo(Map.of(ErrorCode.NETWORK_FULL, 2744));
        assertThat(metrics().errors(ErrorCode.NETWORK_FULL)).isEqualTo(2744);
        assertThat(metrics().registered()).isEqualTo(256);
        assertThat(taken.stream().filter(name -> name.length() <= 2)).as("of the 1,440 short names").hasSize(256);

        // An honest peer from another network still registers, even a short name the sybils did not get to.
        assertThat(registered("127.0.1.1", "zz").name()).isEqualTo("zz");
        // And one address of a third network holds at most its host's share.
        TrackerTestClient host = client("127.0.2.1");
        int accepted = 0;
        for (int i = 0; i < 100; i++) {
            Transaction reply = host.register(identity(), "host-" + i);
            if (reply instanceof Registered) {
                accepted++;
            } else {
                assertThat(reply).isInstanceOfSatisfying(ErrorReply.class,
                        error -> assertThat(error.code()).isEqualTo(ErrorCode.NETWORK_FULL));
            }
        }
        assertThat(accepted).isEqualTo(64);
        assertThat(metrics().errors(ErrorCode.REGISTRY_FULL)).isZero();
        assertThat(metrics().statsLine()).contains(" error.network_full=" + (2744 + 36));
    }

    @Test
    void shouldVerifyAtMostTheNetworksRegisterBudgetWhenItsAddressesRegisterAllAtOnce() throws Exception {
        MutableClock clock = new MutableClock(); // frozen: no budget refills but by the test's hand
        start(TrackerConfig.builder().loopback().build(), clock);
        List<TrackerTestClient> attackers = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            attackers.add(client("127.0.0." + (2 + i)));
        }

        for (int round = 0; round < 2; round++) {
            for (TrackerTestClient attacker : attackers) {
                attacker.send(attacker.registerRequest(identity(), "sybil-" + round + "-" + attackers.indexOf(attacker),
                        List.of()));
            }
        }

        awaitCounter(() -> metrics().registered() + metrics().dropped(DropReason.RATE_LIMITED), 300);
        assertThat(metrics().registered()).as("a burst of twice 50 per second, for the whole /24").isEqualTo(100);
        assertThat(metrics().dropped(DropReason.RATE_LIMITED)).isEqualTo(200);
        assertThat(metrics().received(TrackerMessageType.REGISTER)).isEqualTo(300);

        assertThat(registered("127.0.1.1", "alice").name()).as("another network's budget is its own")
                .isEqualTo("alice");
        clock.advance(Duration.ofSeconds(1));
        for (TrackerTestClient attacker : attackers.subList(0, 60)) {
            attacker.send(attacker.registerRequest(identity(), "late-" + attackers.indexOf(attacker), List.of()));
        }
        awaitCounter(() -> metrics().registered() + metrics().dropped(DropReason.RATE_LIMITED), 361);
        assertThat(metrics().registered()).as("50 more a second later, and alice").isEqualTo(151);
    }

    /**
     * Anyone could map every registered name in a few requests (60 of 60 peers in 0.04 s; a million in about two
     * minutes). Only registered peers query now, and a network's registered sybils share one query budget.
     */
    @Test
    void shouldHoldTheDirectoryQueriesOfOneNetworkToItsBudget() throws Exception {
        MutableClock clock = new MutableClock(); // frozen: no budget refills but by the test's hand
        start(TrackerConfig.builder().loopback().build(), clock);
        List<TrackerTestClient> scrapers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            scrapers.add(registered("127.0.6." + (1 + i), "scraper-" + i));
        }
        long before = metrics().dropped(DropReason.RATE_LIMITED);

        for (TrackerTestClient scraper : scrapers) {
            for (int page = 0; page < 50; page++) {
                scraper.send(scraper.seal(new TrackerMessage.ListRequest(scraper.nextTxid(), scraper.cookie(), 0)));
            }
        }

        awaitCounter(() -> metrics().sent(TrackerMessageType.LIST_PAGE)
                + metrics().dropped(DropReason.RATE_LIMITED) - before, 500);
        assertThat(metrics().sent(TrackerMessageType.LIST_PAGE)).as("a burst of twice 100 a second, for the /24")
                .isEqualTo(200);
        assertThat(metrics().dropped(DropReason.RATE_LIMITED) - before).isEqualTo(300);
        TrackerTestClient honest = registered("127.0.7.1", "honest");
        assertThat(honest.list(0)).as("another network's budget is its own").isInstanceOf(ListPage.class);
    }

    @Test
    void shouldPassEveryDatagramOfALiveRelayedPairWhile32SybilsLookTheVictimUpEverySecond() throws Exception {
        MutableClock clock = new MutableClock();
        start(TrackerConfig.builder().loopback().build(), clock);
        TrackerTestClient alice = registered("127.0.0.1", "alice");
        TrackerTestClient bob = registered("127.0.0.1", "bob");
        Octets aliceKey = keyOf(alice);
        Octets bobKey = keyOf(bob);
        lookUpEachOther(alice, bob);
        List<TrackerTestClient> sybils = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            sybils.add(registered("127.0.3." + (1 + i % 4), "sybil-" + i));
        }
        int sent = 0;
        int arrived = 0;

        for (int second = 0; second < 60; second++) {
            clock.advance(Duration.ofSeconds(1));
            for (TrackerTestClient sybil : sybils) {
                assertThat(sybil.lookup("alice")).isInstanceOf(LookupResult.class);
            }
            arrived += relayed(alice, bob, bobKey, 5) + relayed(bob, alice, aliceKey, 5);
            sent += 10;
        }

        assertThat(arrived).as("of %d relayed datagrams", sent).isEqualTo(sent);
        assertThat(metrics().dropped(DropReason.RELAY_NOT_PERMITTED)).isZero();
        assertThat(metrics().relayedDatagrams()).isEqualTo(sent);
        assertThat(metrics().introductions()).as("the sybils' lookups were answered").isGreaterThanOrEqualTo(32 * 60);
        assertThat(metrics().statsLine()).as("wishes only: the sybils hold no permission")
                .contains(" relay_peers=2 ", " relay_wishes=32");
    }

    @Test
    void shouldPassEveryDatagramOfALiveRelayedPairEvenWhenTheVictimAnswersEverySybil() throws Exception {
        MutableClock clock = new MutableClock();
        start(TrackerConfig.builder().loopback().build(), clock);
        TrackerTestClient alice = registered("127.0.0.1", "alice");
        TrackerTestClient bob = registered("127.0.0.1", "bob");
        Octets aliceKey = keyOf(alice);
        Octets bobKey = keyOf(bob);
        lookUpEachOther(alice, bob);
        List<TrackerTestClient> sybils = new ArrayList<>();
        List<Octets> sybilKeys = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TrackerTestClient sybil = registered("127.0.3." + (1 + i % 4), "sybil-" + i);
            sybils.add(sybil);
            sybilKeys.add(keyOf(sybil));
        }
        int sent = 0;
        int arrived = 0;

        for (int second = 0; second < 60; second++) {
            clock.advance(Duration.ofSeconds(1));
            for (int i = 0; i < sybils.size(); i++) {
                assertThat(sybils.get(i).lookup("alice")).isInstanceOf(LookupResult.class);
                // Alice greets whoever was introduced to her, through the relay: her consent, as a peer's would be.
                relay(alice, sybilKeys.get(i));
            }
            arrived += relayed(alice, bob, bobKey, 5) + relayed(bob, alice, aliceKey, 5);
            sent += 10;
        }

        assertThat(arrived).as("of %d relayed datagrams", sent).isEqualTo(sent);
        assertThat(metrics().relayEvents(RelayTable.Event.PERMISSION_EVICTED)).as("every permission active").isZero();
        // The 9 sybils beyond alice's 32 permissions (bob's and 31 sybils') are refused each second twice: alice's
        // greeting, and their lookup (in the first second only the greeting: before it, alice wanted none of them).
        long refusals = 9 + 59 * 18;
        assertThat(metrics().relayEvents(RelayTable.Event.REFUSED_PERMISSIONS_FULL)).isEqualTo(refusals);
        assertThat(metrics().dropped(DropReason.RELAY_NOT_PERMITTED)).as("alice's greetings beyond her 32")
                .isEqualTo(60 * 9);
        assertThat(metrics().prometheusText())
                .contains("p2pchat_tracker_relay_events_total{event=\"refused_permissions_full\"} " + refusals + "\n");
    }

    @Test
    void shouldKeepTheRelayOpenToHonestPairsThroughAFloodOfOneShotSybilLookups() throws Exception {
        MutableClock clock = new MutableClock();
        // A relay table of 64 peers, so that a few thousand lookups would fill it many times over. The REGISTER and
        // query rates have their own tests: off here, so that 256 sybils register and look up from one /24 on a
        // frozen clock.
        start(TrackerConfig.builder().loopback().registrationRateLimit(0).queryRateLimit(0)
                .relay(new RelayLimits(100, 64 * 1024, Duration.ofMinutes(10), 64, 32)).build(), clock);
        TrackerTestClient alice = registered("127.0.0.1", "alice");
        TrackerTestClient bob = registered("127.0.0.1", "bob");
        TrackerTestClient carol = registered("127.0.0.1", "carol");
        TrackerTestClient dave = registered("127.0.0.1", "dave");
        Octets aliceKey = keyOf(alice);
        Octets bobKey = keyOf(bob);
        lookUpEachOther(alice, bob);
        List<TrackerTestClient> sybils = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            sybils.add(registered("127.0.3." + (1 + i % 8), "sybil-" + i));
        }
        List<String> honest = List.of("alice", "bob", "carol", "dave");
        int sent = 0;
        int arrived = 0;
        int lookups = 0;

        for (int i = 0; i < sybils.size(); i++) {
            for (int k = 1; k <= 8; k++) {
                // Each pair once, and one way only (none of these sybils consents to another): sybil i looks up the
                // eight after it, or honest peers once there are none.
                String target = i + k < sybils.size() ? sybils.get(i + k).name() : honest.get(k % honest.size());
                assertThat(sybils.get(i).lookup(target)).isInstanceOf(LookupResult.class);
                lookups++;
            }
            if (i % 8 == 7) {
                clock.advance(Duration.ofMillis(250));
                arrived += relayed(alice, bob, bobKey, 2) + relayed(bob, alice, aliceKey, 2);
                sent += 4;
            }
        }
        // A new pair after the flood: carol looks dave up, and dave, introduced, greets her through the relay.
        assertThat(carol.lookup("dave")).isInstanceOf(LookupResult.class);
        int newPair = relayed(dave, carol, keyOf(carol), 3) + relayed(carol, dave, keyOf(dave), 3);

        assertThat(lookups).isEqualTo(2048);
        assertThat(arrived).as("the relaying pair's datagrams, of %d", sent).isEqualTo(sent);
        assertThat(newPair).as("the new pair's").isEqualTo(6);
        assertThat(metrics().dropped(DropReason.RELAY_NOT_PERMITTED)).isZero();
        assertThat(metrics().relayEvents(RelayTable.Event.WISH_FORGOTTEN)).as("the table of wishes stayed at 64")
                .isPositive();
        assertThat(metrics().statsLine()).contains(" relay_peers=4 ");
    }

    @Test
    void shouldMakeRoomForANewHonestPairFromIdleSybilPairsButNeverFromARelayingOne() throws Exception {
        MutableClock clock = new MutableClock();
        start(TrackerConfig.builder().loopback()
                .relay(new RelayLimits(100, 64 * 1024, Duration.ofMinutes(10), 64, 32)).build(), clock);
        TrackerTestClient alice = registered("127.0.0.1", "alice");
        TrackerTestClient bob = registered("127.0.0.1", "bob");
        TrackerTestClient carol = registered("127.0.0.1", "carol");
        TrackerTestClient dave = registered("127.0.0.1", "dave");
        Octets aliceKey = keyOf(alice);
        Octets bobKey = keyOf(bob);
        lookUpEachOther(alice, bob);
        int sent = 4;
        int arrived = relayed(alice, bob, bobKey, 2) + relayed(bob, alice, aliceKey, 2);
        // The stronger attack: sybils that consent to each other, in pairs, each pair two places of the table.
        List<TrackerTestClient> sybils = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            sybils.add(registered("127.0.3." + (1 + i % 4), "sybil-" + i));
        }
        for (int i = 0; i < sybils.size(); i += 2) {
            lookUpEachOther(sybils.get(i), sybils.get(i + 1));
        }

        assertThat(metrics().statsLine()).as("alice, bob and 31 sybil pairs").contains(" relay_peers=64 ");
        assertThat(metrics().relayEvents(RelayTable.Event.REFUSED_TABLE_FULL)).as("9 sybil pairs refused")
                .isEqualTo(9);
        lookUpEachOther(carol, dave);
        assertThat(metrics().relayEvents(RelayTable.Event.REFUSED_TABLE_FULL))
                .as("while the sybils' permissions are new, a newcomer is refused too").isEqualTo(10);

        // Alice and bob relay on; the sybils do not.
        for (int second = 0; second < 30; second++) {
            clock.advance(Duration.ofSeconds(1));
            arrived += relayed(alice, bob, bobKey, 1) + relayed(bob, alice, aliceKey, 1);
            sent += 2;
        }
        assertThat(carol.lookup("dave")).isInstanceOf(LookupResult.class); // carol's conversation asks again
        int newPair = relayed(carol, dave, keyOf(dave), 3) + relayed(dave, carol, keyOf(carol), 3);
        for (int i = 0; i < sybils.size(); i += 2) {
            lookUpEachOther(sybils.get(i), sybils.get(i + 1)); // the flood again: only idle sybils make room
        }
        arrived += relayed(alice, bob, bobKey, 2) + relayed(bob, alice, aliceKey, 2);
        sent += 4;

        assertThat(arrived).as("the relaying pair's datagrams, of %d", sent).isEqualTo(sent);
        assertThat(newPair).as("the new pair, once sybils fell idle").isEqualTo(6);
        assertThat(metrics().relayEvents(RelayTable.Event.PEER_EVICTED)).as("idle sybils only").isPositive();
        assertThat(metrics().statsLine()).contains(" relay_peers=64 ");
    }
}
