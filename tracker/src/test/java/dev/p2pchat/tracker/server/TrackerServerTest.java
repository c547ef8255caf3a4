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
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessage.SessionUnknown;
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.testsupport.MutableClock;
import dev.p2pchat.testsupport.TrackerTestClient;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.identity.TrackerIdentity;
import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import dev.p2pchat.tracker.relay.RelayLimits;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TrackerServerTest {
    private static final Duration NO_REPLY_WAIT = Duration.ofMillis(300);

    /** A SEALED no peer sealed: the smallest there is, of whatever session it names. */
    private static final Octets JUNK_BOX = Octets.zeros(TrackerWire.MIN_SEALED_MESSAGE_SIZE + TrackerWire.SEAL_TAG_SIZE);

    private final Random seeded = new Random(1);
    private final List<AutoCloseable> closeLater = new ArrayList<>();
    private TrackerServer server;
    private InetSocketAddress tracker;
    @TempDir
    Path keyDirectory;
    /** The tracker's key loaded a second time: the test's own, so it computes reset proofs off the event loop. */
    private TrackerIdentity twin;

    private Identity identity() {
        byte[] seed = new byte[Identity.PRIVATE_KEY_SIZE];
        seeded.nextBytes(seed);
        return Identity.fromPrivateKey(seed);
    }

    private void start(TrackerConfig config, java.time.Clock clock) throws Exception {
        server = new TrackerServer(config, clock, new SecureRandom(),
                TrackerIdentity.loadOrCreate(keyDirectory, new SecureRandom()));
        twin = TrackerIdentity.loadOrCreate(keyDirectory, new SecureRandom());
        tracker = server.start();
    }

    /** What a SESSION_UNKNOWN for {@code session} carries. */
    private Octets proof(long session) {
        return twin.resetProof(session);
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
     * The bytes of the next datagram that reaches {@code client} carrying a RELAYED (a SEALED in its session, which
     * goes to {@code opened}); anything else (introductions) goes to its {@link TrackerTestClient#unsolicited()}.
     */
    private static byte[] nextRelayed(TrackerTestClient client, List<Relayed> opened) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            byte[] datagram = client.receiveRaw(Duration.ofMillis(100));
            if (datagram == null) {
                continue;
            }
            assertThat(datagram[Wire.TYPE_OFFSET] & 0xFF).as("every datagram to a registered peer is sealed")
                    .isEqualTo(TrackerMessageType.SEALED.code());
            TrackerMessage inner = client.open((Sealed) TrackerCodec.decode(datagram));
            if (inner instanceof Relayed relayed) {
                opened.add(relayed);
                return datagram;
            }
            client.unsolicited().add(inner);
        }
        throw new AssertionError("no RELAYED arrived");
    }

    /** Sends {@code sealed} from {@code sender} and expects the tracker not to know its session. */
    private void assertSessionUnknown(TrackerTestClient sender, Sealed sealed) {
        sender.send(sealed);
        TrackerMessage reply = sender.receive(TrackerTestClient.DEFAULT_TIMEOUT);
        assertThat(reply).isEqualTo(new SessionUnknown(sealed.session(), proof(sealed.session())));
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

        // Without alice's token the tracker knows no such session; with her token but not her keys nothing opens.
        assertSessionUnknown(impostor, new Sealed(12345, 0, JUNK_BOX));
        impostor.send(new Sealed(alice.token(), 0, JUNK_BOX));
        awaitCounter(() -> server.metrics().dropped(DropReason.BAD_SEAL), 1);
        assertThat(impostor.receive(NO_REPLY_WAIT)).as("what does not open is not answered").isNull();
        // Sealed by alice, sent from another address: a session lives at the address that registered it, so the
        // answer, sealed in her session (nobody else reads it), is that she is not registered there.
        TrackerMessage.Keepalive keepalive = alice.keepaliveRequest();
        impostor.send(alice.seal(keepalive));
        TrackerMessage moved = impostor.receive(TrackerTestClient.DEFAULT_TIMEOUT);
        assertThat(moved).isInstanceOfSatisfying(Sealed.class,
                sealed -> assertThat(sealed.session()).isEqualTo(alice.token()));
        assertThat(alice.open((Sealed) moved)).isEqualTo(new ErrorReply(keepalive.txid(), ErrorCode.NOT_REGISTERED));
        assertThat(server.metrics().dropped(DropReason.SESSION_MOVED)).isEqualTo(1);
        // Even in alice's own session, the signature must be alice's.
        assertThat(alice.rename(mallory, "mallory")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));
        assertThat(alice.unregister(mallory)).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));

        // A REGISTER whose signature is not by the key it carries is dropped before the registry sees it, unanswered.
        Register forged = impostor.registerRequest(mallory, "mallory", List.of());
        Register tampered = new Register(forged.txid(), forged.cookie(), forged.name(), aliceId.publicKey(),
                forged.agreementKey(), forged.capabilities(), forged.privateAddresses(), forged.sessionKey(),
                forged.timestamp(), forged.signature());
        assertThat(impostor.request(tampered, NO_REPLY_WAIT)).isNull();
        awaitCounter(() -> server.metrics().dropped(DropReason.BAD_SIGNATURE), 1);
        assertThat(server.metrics().errors(ErrorCode.BAD_SIGNATURE)).as("the RENAME and the UNREGISTER").isEqualTo(2);

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
        alice.useTrackerKey(server.publicKey()); // pinned: it asks for no cookie first

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

        assertThat(alice.lookup("alice")).isInstanceOf(LookupResult.class);
        assertThat(alice.lookup("bob")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND));
        // Bob's session ended with his lease: the tracker tells him so, and he must register again.
        bob.fetchCookie();
        assertSessionUnknown(bob, bob.seal(bob.keepaliveRequest()));
    }

    @Test
    void shouldListManyPeersInPagesThatEachFitOneDatagram() throws Exception {
        // One socket registers them all: no rate limit, and room for all 120 at one address.
        start(TrackerConfig.builder().loopback().rateLimit(0, 1).signatureRateLimit(0).registrationRateLimit(0)
                .registrationBudgets(120, 120).build(), java.time.Clock.systemUTC());
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
        assertThat(registered(identity(), "alice").lookup("alice")).isInstanceOf(LookupResult.class);
    }

    @Test
    void shouldDropRepliesSentToTheTrackerAndCountThem() throws Exception {
        start();
        TrackerTestClient client = client();

        client.send(new CookieChallenge(1, Octets.zeros(TrackerWire.COOKIE_SIZE), Octets.zeros(Wire.KEY_SIZE)));
        client.send(new Ok(2));
        client.send(new SessionUnknown(3, Octets.zeros(TrackerWire.RESET_PROOF_SIZE)));

        awaitCounter(() -> server.metrics().dropped(DropReason.UNEXPECTED_TYPE), 3);
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

        // A session the tracker does not hold: the smallest SEALED gets a SESSION_UNKNOWN that is smaller still.
        Sealed smallest = new Sealed(seeded.nextLong(), 0, JUNK_BOX);
        long sentBefore = stranger.bytesSent();
        long receivedBefore = stranger.bytesReceived();
        assertSessionUnknown(stranger, smallest);
        assertThat(stranger.bytesReceived() - receivedBefore).isEqualTo(TrackerWire.SESSION_UNKNOWN_SIZE)
                .isEqualTo(Wire.HEADER_SIZE + Long.BYTES + TrackerWire.RESET_PROOF_SIZE)
                .isLessThan(stranger.bytesSent() - sentBefore);
        // A live session from another address: the smallest request sealed in it gets a smaller sealed ERROR.
        Sealed hers = registered.seal(new TrackerMessage.ListRequest(6, notMine, 0));
        sentBefore = stranger.bytesSent();
        receivedBefore = stranger.bytesReceived();
        stranger.send(hers);
        assertThat(stranger.receive(TrackerTestClient.DEFAULT_TIMEOUT)).isInstanceOf(Sealed.class);
        assertThat(stranger.bytesReceived() - receivedBefore).isLessThan(stranger.bytesSent() - sentBefore);
        assertThat(server.metrics().unvalidatedBytesOut()).isPositive()
                .isLessThanOrEqualTo(server.metrics().unvalidatedBytesIn());
    }

    @Test
    void shouldNotLetANeighboursFloodFromTheSameAddressCutOffARegisteredPeer() throws Exception {
        start(TrackerConfig.builder().loopback().build(), new MutableClock()); // a frozen clock: no refills
        TrackerTestClient victim = registered(identity(), "victim");
        // Same IP, other port: a peer behind the same NAT, with a session of its own.
        TrackerTestClient neighbour = registered(identity(), "neighbour");

        for (int i = 0; i < 300; i++) {
            neighbour.send(new TrackerMessage.CookieRequest(i));
            neighbour.send(neighbour.seal(neighbour.keepaliveRequest()));
            neighbour.send(victim.seal(victim.keepaliveRequest())); // the victim's session, from elsewhere
        }
        awaitCounter(() -> server.metrics().received(TrackerMessageType.SEALED), 600);

        assertThat(server.metrics().dropped(DropReason.RATE_LIMITED)).isPositive();
        // The victim's own SEALEDs, from elsewhere: authentic, so each counts as a session that moved.
        assertThat(server.metrics().dropped(DropReason.SESSION_MOVED)).isEqualTo(300);
        assertThat(server.metrics().dropped(DropReason.SESSION_UNKNOWN)).isZero();
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
    void shouldRelayBetweenTwoPeersOnlyOnceBothWantEachOther() throws Exception {
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

        alice.relay(bobId.publicKey(), ping);
        awaitCounter(() -> metrics.dropped(DropReason.RELAY_NOT_PERMITTED), 1);
        assertThat(bob.receive(NO_REPLY_WAIT)).as("before any lookup, nothing reaches bob").isNull();

        // Alice's lookup of bob is her wish alone: any peer may look any other up.
        assertThat(alice.lookup("bob")).isInstanceOf(LookupResult.class);
        assertThat(bob.receive(TrackerTestClient.DEFAULT_TIMEOUT)).isInstanceOf(Introduction.class);
        alice.relay(bobId.publicKey(), ping);
        awaitCounter(() -> metrics.dropped(DropReason.RELAY_NOT_PERMITTED), 2);
        assertThat(bob.receive(NO_REPLY_WAIT)).as("a one-sided lookup opens nothing").isNull();
        assertThat(metrics.prometheusText()).contains("\np2pchat_tracker_relay_wishes 1\n");

        assertThat(bob.lookup("alice")).isInstanceOf(LookupResult.class);
        assertThat(alice.receive(TrackerTestClient.DEFAULT_TIMEOUT)).isInstanceOf(Introduction.class);
        // What alice sends: the RELAY sealed in her session.
        int relay = TrackerCodec.encode(alice.relay(bobId.publicKey(), ping)).length + Wire.SEALED_OVERHEAD;
        List<Relayed> opened = new ArrayList<>();
        byte[] relayed = nextRelayed(bob, opened);

        assertThat(opened).containsExactly(new Relayed(aliceId.publicKey(), Octets.of(ping)));
        assertThat(relayed.length).as("the token is the only field dropped").isEqualTo(relay - 8);

        byte[] pong = "another opaque frame".getBytes(StandardCharsets.US_ASCII);
        bob.relay(aliceId.publicKey(), pong);
        assertThat(alice.receiveRelayed(TrackerTestClient.DEFAULT_TIMEOUT))
                .isEqualTo(new Relayed(bobId.publicKey(), Octets.of(pong)));

        // The largest peer frame fits a sealed RELAY, and arrives whole.
        byte[] fragment = new byte[Wire.MAX_PEER_DATAGRAM_SIZE];
        new Random(7).nextBytes(fragment);
        int full = TrackerCodec.encode(alice.relay(bobId.publicKey(), fragment)).length + Wire.SEALED_OVERHEAD;
        assertThat(full).isEqualTo(Wire.MAX_DATAGRAM_SIZE);
        opened.clear();
        byte[] fullRelayed = nextRelayed(bob, opened);
        assertThat(fullRelayed.length).isEqualTo(full - 8);
        assertThat(opened).containsExactly(new Relayed(aliceId.publicKey(), Octets.of(fragment)));

        // Alice looked up bob, not carol.
        alice.relay(carolId.publicKey(), ping);
        awaitCounter(() -> metrics.dropped(DropReason.RELAY_NOT_PERMITTED), 3);
        assertThat(carol.receive(NO_REPLY_WAIT)).isNull();
        assertThat(alice.receive(NO_REPLY_WAIT)).as("a RELAY is never answered").isNull();

        long bytes = ping.length + pong.length + fragment.length;
        awaitCounter(metrics::relayedDatagrams, 3);
        assertThat(metrics.relayedBytes()).isEqualTo(bytes);
        assertThat(metrics.dropped(DropReason.RELAY_NOT_REGISTERED)).isZero();
        assertThat(metrics.dropped(DropReason.RELAY_OVER_BUDGET)).isZero();
        assertThat(metrics.received(TrackerMessageType.RELAY)).isEqualTo(6);
        assertThat(metrics.sent(TrackerMessageType.RELAYED)).isEqualTo(3);
        assertThat(metrics.statsLine()).contains(" relayed=3/" + bytes + "B", " relay_peers=2", " relay_wishes=0",
                " drop.relay_not_permitted=3");
        assertThat(metrics.prometheusText()).contains(
                "\np2pchat_tracker_relayed_datagrams_total 3\n",
                "\np2pchat_tracker_relayed_bytes_total " + bytes + "\n",
                "# TYPE p2pchat_tracker_relay_peers gauge\np2pchat_tracker_relay_peers 2\n",
                "\np2pchat_tracker_relay_wishes 0\n",
                "p2pchat_tracker_dropped_total{reason=\"relay_not_permitted\"} 3\n",
                "p2pchat_tracker_relay_events_total{event=\"refused_table_full\"} 0\n");
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
        assertThat(bob.lookup("alice")).isInstanceOf(LookupResult.class);
        byte[] ping = {1, 2, 3, 4, 5};
        Relay wrongToken = new Relay(alice.token() + 1, bobId.publicKey(), Octets.of(ping));
        Relay stolenToken = new Relay(alice.token(), bobId.publicKey(), Octets.of(ping));
        long unvalidatedBefore = metrics.unvalidatedBytesIn();

        // In alice's session, but naming another token; and her session, sealed by her, sent from another socket
        // (authentic, so counted as a session that moved; but a RELAY is never answered).
        alice.send(alice.seal(wrongToken));
        Sealed stolen = alice.seal(stolenToken);
        other.send(stolen);

        awaitCounter(() -> metrics.dropped(DropReason.RELAY_NOT_REGISTERED), 1);
        awaitCounter(() -> metrics.dropped(DropReason.SESSION_MOVED), 1);
        assertThat(metrics.dropped(DropReason.SESSION_UNKNOWN)).isZero();
        assertThat(metrics.unvalidatedBytesIn() - unvalidatedBefore).as("only the datagram from another socket")
                .isEqualTo(TrackerCodec.encode(stolen).length);
        assertThat(bob.receiveRelayed(NO_REPLY_WAIT)).isNull();
        assertThat(other.receive(NO_REPLY_WAIT)).isNull();
        assertThat(metrics.relayedDatagrams()).isZero();

        // The refusals changed nothing for alice herself.
        alice.relay(bobId.publicKey(), ping);
        assertThat(bob.receiveRelayed(TrackerTestClient.DEFAULT_TIMEOUT))
                .isEqualTo(new Relayed(aliceId.publicKey(), Octets.of(ping)));
        assertThat(metrics.relayedDatagrams()).isEqualTo(1);
        assertThat(metrics.dropped(DropReason.RELAY_NOT_REGISTERED)).isEqualTo(1);
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
        assertThat(bob.lookup("alice")).isInstanceOf(LookupResult.class);
        assertThat(alice.receive(TrackerTestClient.DEFAULT_TIMEOUT)).isInstanceOf(Introduction.class);
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
