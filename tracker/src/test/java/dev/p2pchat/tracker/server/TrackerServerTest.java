package dev.p2pchat.tracker.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.stun.StunBinding;
import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage.CookieChallenge;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.Introduction;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.testsupport.MutableClock;
import dev.p2pchat.testsupport.TrackerTestClient;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import dev.p2pchat.tracker.relay.RelayLimits;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TrackerServerTest {
    private static final Duration NO_REPLY_WAIT = Duration.ofMillis(300);

    private final Random seeded = new Random(1);
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private TrackerServer server;
    private InetSocketAddress tracker;

    private Identity identity() {
        byte[] seed = new byte[Identity.PRIVATE_KEY_SIZE];
        seeded.nextBytes(seed);
        return Identity.fromPrivateKey(seed);
    }

    private void start(TrackerConfig config, java.time.Clock clock) throws Exception {
        server = new TrackerServer(config, clock, new SecureRandom());
        tracker = server.start();
    }

    private void start() throws Exception {
        start(TrackerConfig.builder().loopback().build(), java.time.Clock.systemUTC());
    }

    private TrackerTestClient client() {
        TrackerTestClient client = new TrackerTestClient(tracker);
        closeLater.add(client);
        return client;
    }

    private TrackerTestClient registered(Identity identity, String name) {
        TrackerTestClient client = client();
        client.fetchCookie();
        assertThat(client.register(identity, name)).isInstanceOf(Registered.class);
        return client;
    }

    /** Polls {@code counter} until it reaches {@code expected}, failing after five seconds. */
    private static void awaitCounter(LongSupplier counter, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(counter.getAsLong()).isEqualTo(expected);
    }

    /**
     * The bytes of the next RELAYED that reaches {@code client}; anything else (introductions) goes to its
     * {@link TrackerTestClient#unsolicited()}.
     */
    private static byte[] nextRelayed(TrackerTestClient client) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] datagram = client.receiveRaw(Duration.ofMillis(100));
            if (datagram == null) {
                continue;
            }
            if ((datagram[Wire.TYPE_OFFSET] & 0xFF) == TrackerMessageType.RELAYED.code()) {
                return datagram;
            }
            client.unsolicited().add(TrackerCodec.decode(datagram));
        }
        throw new AssertionError("no RELAYED arrived");
    }

    /** How many RELAYEDs reach {@code client} until none comes for a while. */
    private static List<Relayed> drainRelayed(TrackerTestClient client) {
        List<Relayed> relayed = new ArrayList<>();
        for (Relayed next; (next = client.receiveRelayed(NO_REPLY_WAIT)) != null; ) {
            relayed.add(next);
        }
        return relayed;
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
    void shouldRunTheWholeCookieRegisterLookupListUnregisterFlow() throws Exception {
        start();
        Identity aliceId = identity();
        TrackerTestClient alice = client();
        TrackerTestClient bob = registered(identity(), "bob");

        Octets cookie = alice.fetchCookie();
        assertThat(cookie.length()).isEqualTo(TrackerWire.COOKIE_SIZE);
        Transaction registered = alice.register(aliceId, "alice");
        assertThat(registered).isInstanceOfSatisfying(Registered.class, reply -> {
            assertThat(reply.observed()).isEqualTo(alice.localAddress());
            assertThat(reply.leaseSeconds()).isEqualTo(90);
            assertThat(reply.keepaliveMillis()).isBetween(22_500, 27_500);
        });

        assertThat(alice.keepalive()).isInstanceOfSatisfying(KeepaliveAck.class,
                ack -> assertThat(ack.observed()).isEqualTo(alice.localAddress()));

        assertThat(alice.lookup("bob")).isInstanceOfSatisfying(LookupResult.class, result -> {
            assertThat(result.peer().name()).isEqualTo("bob");
            assertThat(result.peer().observed()).isEqualTo(bob.localAddress());
        });
        TrackerMessage introduction = bob.receive(Duration.ofSeconds(5));
        assertThat(introduction).isInstanceOfSatisfying(Introduction.class, intro -> {
            assertThat(intro.peer().name()).isEqualTo("alice");
            assertThat(intro.peer().identityKey()).isEqualTo(aliceId.publicKey());
            assertThat(intro.peer().observed()).isEqualTo(alice.localAddress());
        });

        assertThat(alice.list(0)).isInstanceOfSatisfying(ListPage.class, page -> {
            assertThat(page.total()).isEqualTo(2);
            assertThat(page.nextCursor()).isZero();
            assertThat(page.entries()).extracting(ListPage.Entry::name).containsExactlyInAnyOrder("alice", "bob");
        });

        assertThat(alice.unregister(aliceId)).isInstanceOf(Ok.class);
        assertThat(bob.lookup("alice")).isEqualTo(new ErrorReply(bob.nextTxid() - 1, ErrorCode.NOT_FOUND));
        assertThat(server.metrics().introductions()).isEqualTo(1);
        assertThat(server.metrics().registered()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnImpostorsRegisterRenameAndUnregisterForAHeldName() throws Exception {
        start();
        Identity aliceId = identity();
        TrackerTestClient alice = registered(aliceId, "alice");
        Identity mallory = identity();
        TrackerTestClient impostor = client();
        impostor.fetchCookie();

        assertThat(impostor.register(mallory, "alice")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NAME_TAKEN));

        // Without alice's token; and with her token but from another address.
        impostor.claim("alice", 12345);
        assertThat(impostor.rename(mallory, "mallory")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
        assertThat(impostor.unregister(mallory)).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
        impostor.claim("alice", alice.token());
        assertThat(impostor.keepalive()).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
        // Even from alice's own address with her token (an on-path attacker), the signature must be alice's.
        assertThat(alice.rename(mallory, "mallory")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
        assertThat(alice.unregister(mallory)).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));

        // A REGISTER whose signature is not by the key it carries is refused before the registry sees it.
        Register forged = impostor.registerRequest(mallory, "mallory", List.of());
        Register tampered = new Register(forged.txid(), forged.cookie(), forged.name(), aliceId.publicKey(),
                forged.agreementKey(), forged.capabilities(), forged.privateAddresses(), forged.signature());
        assertThat(impostor.request(tampered)).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));

        assertThat(alice.lookup("alice")).isInstanceOfSatisfying(LookupResult.class, result -> {
            assertThat(result.peer().identityKey()).isEqualTo(aliceId.publicKey());
            assertThat(result.peer().observed()).isEqualTo(alice.localAddress());
        });
        assertThat(alice.rename(aliceId, "alice2")).isInstanceOf(Ok.class);
        assertThat(alice.lookup("alice2")).isInstanceOf(LookupResult.class);
    }

    @Test
    void shouldNotAnswerRequestsWithABadOrStaleCookie() throws Exception {
        MutableClock clock = new MutableClock();
        start(TrackerConfig.builder().loopback().cookieEpoch(Duration.ofSeconds(60)).build(), clock);
        TrackerTestClient alice = client();
        Identity aliceId = identity();

        alice.useCookie(Octets.zeros(TrackerWire.COOKIE_SIZE));
        alice.send(alice.registerRequest(aliceId, "alice", List.of()));
        assertThat(alice.receive(NO_REPLY_WAIT)).isNull();

        // A cookie minted for another source address is as bad as a forged one.
        TrackerTestClient other = client();
        alice.useCookie(other.fetchCookie());
        alice.send(alice.registerRequest(aliceId, "alice", List.of()));
        assertThat(alice.receive(NO_REPLY_WAIT)).isNull();

        Octets stale = alice.fetchCookie();
        clock.advance(Duration.ofSeconds(120));
        alice.useCookie(stale);
        alice.send(alice.registerRequest(aliceId, "alice", List.of()));
        assertThat(alice.receive(NO_REPLY_WAIT)).isNull();

        awaitCounter(() -> server.metrics().dropped(DropReason.BAD_COOKIE), 3);
        assertThat(server.metrics().registered()).isZero();
        alice.fetchCookie();
        assertThat(alice.register(aliceId, "alice")).isInstanceOf(Registered.class);
    }

    @Test
    void shouldForgetAPeerThatStopsKeepingAliveAfterItsLease() throws Exception {
        MutableClock clock = new MutableClock();
        start(TrackerConfig.builder().loopback().lease(Duration.ofSeconds(30)).keepalive(Duration.ofSeconds(10))
                .build(), clock);
        TrackerTestClient alice = registered(identity(), "alice");
        TrackerTestClient bob = registered(identity(), "bob");

        for (int i = 0; i < 6; i++) { // 60 s of keepalives every 10 s: alice stays, bob's lease runs out
            clock.advance(Duration.ofSeconds(10));
            assertThat(alice.keepalive()).isInstanceOfSatisfying(KeepaliveAck.class,
                    ack -> alice.useCookie(ack.cookie()));
        }

        assertThat(alice.anonymousLookup("alice")).isInstanceOf(LookupResult.class);
        assertThat(alice.anonymousLookup("bob")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND));
        bob.fetchCookie();
        assertThat(bob.keepalive()).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_REGISTERED));
    }

    @Test
    void shouldListManyPeersInPagesThatEachFitOneDatagram() throws Exception {
        start(TrackerConfig.builder().loopback().rateLimit(0, 1).signatureRateLimit(0).build(),
                java.time.Clock.systemUTC());
        TrackerTestClient registrar = client();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 120; i++) {
            registrar.fetchCookie();
            String name = "peer-" + i + "-with-a-long-name".substring(0, i % 17);
            assertThat(registrar.register(identity(), name)).isInstanceOf(Registered.class);
            names.add(name);
        }

        List<String> listed = new ArrayList<>();
        int cursor = 0;
        int pages = 0;
        do {
            Transaction reply = registrar.list(cursor);
            assertThat(reply).isInstanceOf(ListPage.class);
            ListPage page = (ListPage) reply;
            assertThat(page.total()).isEqualTo(120);
            page.entries().forEach(entry -> listed.add(entry.name()));
            cursor = page.nextCursor();
            pages++;
        } while (cursor != 0);

        assertThat(listed).doesNotHaveDuplicates();
        assertThat(new HashSet<>(listed)).isEqualTo(names);
        assertThat(pages).isGreaterThan(1);
    }

    @Test
    void shouldRefuseRegistrationsWithRegistryFullAtTheLimit() throws Exception {
        start(TrackerConfig.builder().loopback().maxPeers(2).build(), java.time.Clock.systemUTC());
        registered(identity(), "a");
        registered(identity(), "b");
        TrackerTestClient third = client();
        third.fetchCookie();

        assertThat(third.register(identity(), "c")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.REGISTRY_FULL));
        assertThat(server.metrics().errors(ErrorCode.REGISTRY_FULL)).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnInvalidNameWithNameInvalid() throws Exception {
        start();
        TrackerTestClient client = client();
        client.fetchCookie();

        assertThat(client.register(identity(), "Not-Lower")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NAME_INVALID));
    }

    @Test
    void shouldAnswerAStunBindingRequestWithTheSendersAddressOnTheTrackersPort() throws Exception {
        start();
        byte[] transactionId = new byte[StunBinding.TRANSACTION_ID_SIZE];
        seeded.nextBytes(transactionId);
        ByteBuffer request = ByteBuffer.allocate(StunBinding.HEADER_SIZE).putShort((short) 0x0001).putShort((short) 0)
                .putInt(StunBinding.MAGIC_COOKIE).put(transactionId);
        ByteBuffer allocate = ByteBuffer.wrap(request.array().clone()).putShort(0, (short) 0x0003);

        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout((int) NO_REPLY_WAIT.toMillis());
            socket.send(new DatagramPacket(allocate.array(), allocate.capacity(), tracker));
            socket.send(new DatagramPacket(request.array(), request.capacity(), tracker));
            DatagramPacket answer = new DatagramPacket(new byte[Wire.MAX_DATAGRAM_SIZE], Wire.MAX_DATAGRAM_SIZE);
            socket.setSoTimeout(5000);
            socket.receive(answer);
            socket.setSoTimeout((int) NO_REPLY_WAIT.toMillis());

            assertThat(StunBinding.mappedAddress(ByteBuffer.wrap(answer.getData(), 0, answer.getLength()),
                    transactionId)).isEqualTo(socket.getLocalSocketAddress());
            assertThat(answer.getLength()).isEqualTo(32);
            assertThatThrownBy(() -> socket.receive(answer)).as("the Allocate request is not answered")
                    .isInstanceOf(SocketTimeoutException.class);
        }
        awaitCounter(() -> server.metrics().dropped(DropReason.BAD_STUN), 1);
        assertThat(server.metrics().stunAnswers()).isEqualTo(1);
        assertThat(server.metrics().unvalidatedBytesOut()).isEqualTo(32);
        // and the p2pchat protocol on the same port is untouched
        assertThat(registered(identity(), "alice").anonymousLookup("alice")).isInstanceOf(LookupResult.class);
    }

    @Test
    void shouldDropRepliesSentToTheTrackerAndCountThem() throws Exception {
        start();
        TrackerTestClient client = client();

        client.send(new CookieChallenge(1, Octets.zeros(TrackerWire.COOKIE_SIZE)));
        client.send(new Ok(2));

        awaitCounter(() -> server.metrics().dropped(DropReason.UNEXPECTED_TYPE), 2);
        assertThat(client.receive(NO_REPLY_WAIT)).isNull();
    }

    @Test
    void shouldNeverAnswerAnUnvalidatedSenderWithMoreBytesThanItSent() throws Exception {
        start();
        TrackerTestClient registered = registered(identity(), "alice");
        TrackerTestClient stranger = client();
        Octets notMine = registered.cookie();

        for (TrackerMessage request : List.of(
                registered.registerRequest(identity(), "bob", List.of()),
                new TrackerMessage.Keepalive(1, notMine, registered.token(), "alice"),
                new TrackerMessage.Lookup(2, notMine, 0, "", "alice"),
                new TrackerMessage.ListRequest(3, notMine, 0),
                new TrackerMessage.Rename(4, notMine, 0, "alice", "bob", Octets.zeros(Wire.SIGNATURE_SIZE)),
                new TrackerMessage.Unregister(5, notMine, 0, "alice", Octets.zeros(Wire.SIGNATURE_SIZE)))) {
            stranger.send(request);
            assertThat(stranger.receive(NO_REPLY_WAIT)).as(request.type().name()).isNull();
        }
        assertThat(stranger.bytesReceived()).isZero();

        for (int i = 0; i < 10; i++) {
            stranger.fetchCookie();
        }
        assertThat(stranger.bytesReceived()).isEqualTo(10L * TrackerWire.COOKIE_REQUEST_SIZE)
                .isLessThanOrEqualTo(stranger.bytesSent());
    }

    @Test
    void shouldNotLetANeighboursFloodFromTheSameAddressCutOffARegisteredPeer() throws Exception {
        start(TrackerConfig.builder().loopback().build(), new MutableClock()); // a frozen clock: no refills
        TrackerTestClient victim = registered(identity(), "victim");
        TrackerTestClient neighbour = client(); // same IP, other port: a peer behind the same NAT
        Octets neighbourCookie = neighbour.fetchCookie();

        for (int i = 0; i < 300; i++) {
            neighbour.send(new TrackerMessage.CookieRequest(i));
            neighbour.send(new TrackerMessage.Keepalive(i, victim.cookie(), victim.token(), "victim"));
            neighbour.send(new TrackerMessage.Keepalive(i, neighbourCookie, 1, "victim"));
        }
        awaitCounter(() -> server.metrics().received(TrackerMessageType.KEEPALIVE), 600);

        assertThat(server.metrics().dropped(DropReason.RATE_LIMITED)).isPositive();
        assertThat(victim.keepalive()).isInstanceOf(KeepaliveAck.class);
    }

    @Test
    void shouldStopVerifyingSignaturesBeyondASourcesBudget() throws Exception {
        start(TrackerConfig.builder().loopback().signatureRateLimit(1).build(), new MutableClock());
        TrackerTestClient client = client();
        client.fetchCookie();

        int answered = 0;
        for (int i = 0; i < 5; i++) {
            if (client.request(client.registerRequest(identity(), "peer" + i, List.of()), NO_REPLY_WAIT) != null) {
                answered++;
            }
        }

        assertThat(answered).isEqualTo(2); // a burst of twice the rate, then nothing until it refills
        assertThat(server.metrics().dropped(DropReason.RATE_LIMITED)).isEqualTo(3);
        assertThat(server.metrics().registered()).isEqualTo(2);
    }

    @Test
    void shouldDropSourcesOverTheirRateWithoutReplying() throws Exception {
        start(TrackerConfig.builder().loopback().rateLimit(1, 5).build(), new MutableClock());
        TrackerTestClient client = client();

        int challenges = 0;
        for (int i = 0; i < 20; i++) {
            client.send(new TrackerMessage.CookieRequest(client.nextTxid()));
        }
        while (client.receive(NO_REPLY_WAIT) != null) {
            challenges++;
        }

        assertThat(challenges).isEqualTo(5);
        assertThat(server.metrics().dropped(DropReason.RATE_LIMITED)).isEqualTo(15);
        assertThat(server.metrics().sent(TrackerMessageType.COOKIE_CHALLENGE)).isEqualTo(5);
    }

    @Test
    void shouldRelayBetweenTwoPeersOnlyOnceALookupConnectedThem() throws Exception {
        start();
        Identity aliceId = identity();
        Identity bobId = identity();
        TrackerTestClient alice = registered(aliceId, "alice");
        TrackerTestClient bob = registered(bobId, "bob");
        Identity carolId = identity();
        TrackerTestClient carol = registered(carolId, "carol");
        TrackerMetrics metrics = server.metrics();
        // Not a peer frame at all: the tracker relays bytes, and never reads them.
        byte[] ping = "a sealed frame, opaque to the tracker".getBytes(StandardCharsets.US_ASCII);

        // Before any lookup the relay table holds no entry for alice's address, which it counts as NOT_REGISTERED.
        alice.relay(bobId.publicKey(), ping);
        awaitCounter(() -> metrics.dropped(DropReason.RELAY_NOT_REGISTERED), 1);
        assertThat(bob.receive(NO_REPLY_WAIT)).as("nothing reaches bob").isNull();

        assertThat(alice.lookup("bob")).isInstanceOf(LookupResult.class);
        byte[] relay = TrackerCodec.encode(alice.relay(bobId.publicKey(), ping));
        byte[] relayed = nextRelayed(bob);

        assertThat(TrackerCodec.decode(relayed)).isEqualTo(new Relayed(aliceId.publicKey(), Octets.of(ping)));
        assertThat(relayed.length).as("the token is the only field dropped").isEqualTo(relay.length - 8);
        int inner = ping.length;
        assertThat(Arrays.copyOfRange(relayed, relayed.length - inner, relayed.length)).as("the same bytes")
                .isEqualTo(ping);
        assertThat(bob.unsolicited()).as("bob was introduced to alice first").hasAtLeastOneElementOfType(
                Introduction.class);

        byte[] pong = "another opaque frame".getBytes(StandardCharsets.US_ASCII);
        bob.relay(aliceId.publicKey(), pong);
        assertThat(alice.receiveRelayed(TrackerTestClient.DEFAULT_TIMEOUT))
                .isEqualTo(new Relayed(bobId.publicKey(), Octets.of(pong)));

        // The largest peer frame fits a RELAY, and arrives whole.
        byte[] fragment = new byte[Wire.MAX_PEER_DATAGRAM_SIZE];
        new Random(7).nextBytes(fragment);
        byte[] full = TrackerCodec.encode(alice.relay(bobId.publicKey(), fragment));
        assertThat(full.length).isEqualTo(Wire.MAX_DATAGRAM_SIZE);
        byte[] fullRelayed = nextRelayed(bob);
        assertThat(fullRelayed.length).isEqualTo(full.length - 8);
        assertThat(TrackerCodec.decode(fullRelayed)).isEqualTo(new Relayed(aliceId.publicKey(), Octets.of(fragment)));

        // Alice looked up bob, not carol.
        alice.relay(carolId.publicKey(), ping);
        awaitCounter(() -> metrics.dropped(DropReason.RELAY_NOT_PERMITTED), 1);
        assertThat(carol.receive(NO_REPLY_WAIT)).isNull();
        assertThat(alice.receive(NO_REPLY_WAIT)).as("a RELAY is never answered").isNull();

        long bytes = ping.length + pong.length + fragment.length;
        awaitCounter(metrics::relayedDatagrams, 3);
        assertThat(metrics.relayedBytes()).isEqualTo(bytes);
        assertThat(metrics.dropped(DropReason.RELAY_NOT_REGISTERED)).isEqualTo(1);
        assertThat(metrics.dropped(DropReason.RELAY_OVER_BUDGET)).isZero();
        assertThat(metrics.received(TrackerMessageType.RELAY)).isEqualTo(5);
        assertThat(metrics.sent(TrackerMessageType.RELAYED)).isEqualTo(3);
        assertThat(metrics.statsLine()).contains(" relayed=3/" + bytes + "B", " relay_peers=2",
                " drop.relay_not_registered=1", " drop.relay_not_permitted=1");
        assertThat(metrics.prometheusText()).contains(
                "\np2pchat_tracker_relayed_datagrams_total 3\n",
                "\np2pchat_tracker_relayed_bytes_total " + bytes + "\n",
                "# TYPE p2pchat_tracker_relay_peers gauge\np2pchat_tracker_relay_peers 2\n",
                "p2pchat_tracker_dropped_total{reason=\"relay_not_permitted\"} 1\n");
    }

    @Test
    void shouldDropARelayWithAWrongTokenOrFromAnotherSocketAndCountIt() throws Exception {
        start();
        Identity aliceId = identity();
        Identity bobId = identity();
        TrackerTestClient alice = registered(aliceId, "alice");
        TrackerTestClient bob = registered(bobId, "bob");
        TrackerTestClient other = client(); // alice's host, another port: not where she registered
        TrackerMetrics metrics = server.metrics();
        assertThat(alice.lookup("bob")).isInstanceOf(LookupResult.class);
        byte[] ping = {1, 2, 3, 4, 5};
        Relay wrongToken = new Relay(alice.token() + 1, bobId.publicKey(), Octets.of(ping));
        Relay stolenToken = new Relay(alice.token(), bobId.publicKey(), Octets.of(ping));
        long unvalidatedBefore = metrics.unvalidatedBytesIn();

        alice.send(wrongToken);
        other.send(stolenToken);

        awaitCounter(() -> metrics.dropped(DropReason.RELAY_NOT_REGISTERED), 2);
        awaitCounter(() -> metrics.unvalidatedBytesIn() - unvalidatedBefore,
                2L * TrackerCodec.encode(stolenToken).length);
        assertThat(bob.receiveRelayed(NO_REPLY_WAIT)).isNull();
        assertThat(other.receive(NO_REPLY_WAIT)).isNull();
        assertThat(metrics.relayedDatagrams()).isZero();

        // The refusals changed nothing for alice herself.
        alice.relay(bobId.publicKey(), ping);
        assertThat(bob.receiveRelayed(TrackerTestClient.DEFAULT_TIMEOUT))
                .isEqualTo(new Relayed(aliceId.publicKey(), Octets.of(ping)));
        assertThat(metrics.relayedDatagrams()).isEqualTo(1);
        assertThat(metrics.dropped(DropReason.RELAY_NOT_REGISTERED)).isEqualTo(2);
    }

    @Test
    void shouldDropRelaysBeyondTheSendersBurstAsOverBudget() throws Exception {
        MutableClock clock = new MutableClock(); // frozen: the budget does not refill during the test
        start(TrackerConfig.builder().loopback()
                .relay(new RelayLimits(2, Wire.MAX_DATAGRAM_SIZE, Duration.ofMinutes(10), 100, 8)).build(), clock);
        Identity aliceId = identity();
        Identity bobId = identity();
        TrackerTestClient alice = registered(aliceId, "alice");
        TrackerTestClient bob = registered(bobId, "bob");
        TrackerMetrics metrics = server.metrics();
        assertThat(alice.lookup("bob")).isInstanceOf(LookupResult.class);
        int burst = 4;
        int sent = 10;

        for (int i = 0; i < sent; i++) {
            alice.relay(bobId.publicKey(), new byte[] {1, 2, 3, (byte) i});
        }

        awaitCounter(() -> metrics.relayedDatagrams() + metrics.dropped(DropReason.RELAY_OVER_BUDGET), sent);
        assertThat(metrics.relayedDatagrams()).isEqualTo(burst);
        assertThat(metrics.dropped(DropReason.RELAY_OVER_BUDGET)).isEqualTo(sent - burst);
        List<Relayed> received = drainRelayed(bob);
        assertThat(received).hasSizeLessThanOrEqualTo(burst).allSatisfy(relayed -> {
            assertThat(relayed.sender()).isEqualTo(aliceId.publicKey());
            assertThat(relayed.payload().toByteArray()[3]).isLessThan((byte) burst);
        });
        assertThat(alice.receive(NO_REPLY_WAIT)).isNull();

        // Bob's budget is his own.
        bob.relay(aliceId.publicKey(), new byte[] {4, 3, 2, 1});
        assertThat(alice.receiveRelayed(TrackerTestClient.DEFAULT_TIMEOUT)).isNotNull();
        assertThat(metrics.statsLine()).contains(" drop.relay_over_budget=" + (sent - burst));
    }
}
