package dev.p2pchat.tracker.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage;
import dev.p2pchat.protocol.tracker.TrackerMessage.ErrorReply;
import dev.p2pchat.protocol.tracker.TrackerMessage.Introduction;
import dev.p2pchat.protocol.tracker.TrackerMessage.KeepaliveAck;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListPage;
import dev.p2pchat.protocol.tracker.TrackerMessage.ListRequest;
import dev.p2pchat.protocol.tracker.TrackerMessage.Lookup;
import dev.p2pchat.protocol.tracker.TrackerMessage.LookupResult;
import dev.p2pchat.protocol.tracker.TrackerMessage.Ok;
import dev.p2pchat.protocol.tracker.TrackerMessage.Register;
import dev.p2pchat.protocol.tracker.TrackerMessage.Registered;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relay;
import dev.p2pchat.protocol.tracker.TrackerMessage.Relayed;
import dev.p2pchat.protocol.tracker.TrackerMessage.Sealed;
import dev.p2pchat.protocol.tracker.TrackerMessage.SessionUnknown;
import dev.p2pchat.protocol.tracker.TrackerMessage.Transaction;
import dev.p2pchat.protocol.tracker.TrackerMessageType;
import dev.p2pchat.protocol.tracker.TrackerWire;
import dev.p2pchat.testsupport.MutableClock;
import dev.p2pchat.testsupport.TrackerTestClient;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.identity.TrackerIdentity;
import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.metrics.TrackerMetrics;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
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

/**
 * The attacks a registration's session defends against: requests captured on the wire and replayed, REGISTERs
 * replayed after their owner moved on, unregistered or let the lease end, a REGISTER carrying another peer's session
 * key, REGISTERs with bad signatures, requests sent bare, SEALEDs tampered with or sent from another address, and
 * replies forged for a peer. Each of these worked, or was answered, before requests were sealed in sessions bound to
 * their number.
 */
@Timeout(30)
class TrackerSessionTest {
    private static final Duration NO_REPLY_WAIT = Duration.ofMillis(300);
    /** A SEALED no peer sealed: the smallest there is, of whatever session it names. */
    private static final Octets JUNK_BOX = Octets.zeros(TrackerWire.MIN_SEALED_MESSAGE_SIZE + TrackerWire.SEAL_TAG_SIZE);

    private final Random seeded = new Random(2);
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

    private void start(TrackerConfig config, Clock clock) throws Exception {
        server = new TrackerServer(config, clock, new SecureRandom(),
                TrackerIdentity.loadOrCreate(keyDirectory, new SecureRandom()));
        twin = TrackerIdentity.loadOrCreate(keyDirectory, new SecureRandom());
        tracker = server.start();
    }

    private void start() throws Exception {
        start(TrackerConfig.builder().loopback().build(), Clock.systemUTC());
    }

    private TrackerMetrics metrics() {
        return server.metrics();
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

    /** Sends {@code register} and, once REGISTERED, makes {@code client} act as the registration it made. */
    private static Registered registerWith(TrackerTestClient client, Register register) {
        Transaction reply = client.request(register);
        assertThat(reply).isInstanceOf(Registered.class);
        Registered registered = (Registered) reply;
        client.claim(register.name(), registered.token());
        client.useCookie(registered.cookie());
        return registered;
    }

    /** Sends a request already sealed and returns its reply. */
    private static Transaction requestSealed(TrackerTestClient client, Sealed sealed, int txid) {
        client.send(sealed);
        return client.awaitReply(txid, TrackerTestClient.DEFAULT_TIMEOUT);
    }

    /** Polls {@code counter} until it reaches {@code expected}, failing after five seconds. */
    private static void awaitCounter(LongSupplier counter, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (counter.getAsLong() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(counter.getAsLong()).isEqualTo(expected);
    }

    /** The next datagram to {@code client}, which must be a SEALED. */
    private static Sealed nextSealed(TrackerTestClient client) throws ProtocolException {
        byte[] datagram = client.receiveRaw(TrackerTestClient.DEFAULT_TIMEOUT);
        assertThat(datagram).as("a datagram arrived").isNotNull();
        assertThat(datagram[Wire.TYPE_OFFSET] & 0xFF).as("its type").isEqualTo(TrackerMessageType.SEALED.code());
        return (Sealed) TrackerCodec.decode(datagram);
    }

    /** Sends {@code request} sealed and returns its raw reply, checked to be a SEALED, opened by {@code client}. */
    private static TrackerMessage sealedReply(TrackerTestClient client, Transaction request) throws Exception {
        client.send(client.seal(request));
        Sealed reply = nextSealed(client);
        assertThat(reply.session()).as("sealed in the client's session").isEqualTo(client.token());
        TrackerMessage opened = client.open(reply);
        assertThat(opened).as("opens in the client's session").isNotNull();
        return opened;
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
    void shouldRefuseARenameReplayedFromTheOwnersAddressAndKeepTheNameTheOwnerLeft() throws Exception {
        start();
        Identity aliceId = identity();
        TrackerTestClient alice = registered(aliceId, "alice");
        TrackerTestClient bob = registered(identity(), "bob");
        TrackerMessage.Rename rename = alice.renameRequest(aliceId, "alice-away");
        Sealed captured = alice.seal(rename);
        assertThat(requestSealed(alice, captured, rename.txid())).isInstanceOf(Ok.class);
        alice.claim("alice-away", alice.token());
        assertThat(alice.rename(aliceId, "alice")).as("the owner renames back").isInstanceOf(Ok.class);

        alice.send(captured); // what an on-path attacker saw, replayed from alice's own address

        awaitCounter(() -> metrics().dropped(DropReason.BAD_SEAL), 1);
        assertThat(alice.receive(NO_REPLY_WAIT)).as("no answer to a replay").isNull();
        assertThat(bob.lookup("alice")).isInstanceOfSatisfying(LookupResult.class,
                result -> assertThat(result.peer().identityKey()).isEqualTo(aliceId.publicKey()));
        assertThat(bob.lookup("alice-away")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(alice.keepalive()).as("the session still works").isInstanceOf(KeepaliveAck.class);
    }

    @Test
    void shouldRefuseAKeepaliveReplayedFromTheOwnersAddressSoItKeepsNothingAlive() throws Exception {
        MutableClock clock = new MutableClock();
        start(TrackerConfig.builder().loopback().lease(Duration.ofSeconds(30)).keepalive(Duration.ofSeconds(10))
                .build(), clock);
        TrackerTestClient alice = registered(identity(), "alice");
        TrackerTestClient bob = registered(identity(), "bob");
        TrackerMessage.Keepalive keepalive = alice.keepaliveRequest();
        Sealed captured = alice.seal(keepalive);
        assertThat(requestSealed(alice, captured, keepalive.txid())).isInstanceOf(KeepaliveAck.class);

        // Replays every 10 s from alice's address while her lease runs: had one renewed it, she would outlive 30 s.
        for (int i = 0; i < 2; i++) {
            clock.advance(Duration.ofSeconds(10));
            alice.send(captured);
            long replays = i + 1;
            awaitCounter(() -> metrics().dropped(DropReason.BAD_SEAL), replays);
            assertThat(alice.receive(NO_REPLY_WAIT)).as("replay %d answered", replays).isNull();
            assertThat(bob.keepalive()).isInstanceOfSatisfying(KeepaliveAck.class, ack -> bob.useCookie(ack.cookie()));
        }
        clock.advance(Duration.ofSeconds(10));

        assertThat(bob.lookup("alice")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(metrics().sent(TrackerMessageType.KEEPALIVE_ACK)).as("one for alice, two for bob").isEqualTo(3);
    }

    @Test
    void shouldRefuseAnUnregisterReplayedAfterItsOwnerRegisteredAgainAndKeepTheNewRegistration() throws Exception {
        start();
        Identity aliceId = identity();
        TrackerTestClient alice = client();
        alice.fetchCookie();
        Registered first = registerWith(alice, alice.registerRequest(aliceId, "alice", List.of()));
        TrackerTestClient bob = registered(identity(), "bob");
        TrackerMessage.Unregister unregister = alice.unregisterRequest(aliceId);
        Sealed captured = alice.seal(unregister);
        assertThat(requestSealed(alice, captured, unregister.txid())).isInstanceOf(Ok.class);
        Registered second = registerWith(alice, alice.registerRequest(aliceId, "alice", List.of()));
        assertThat(second.token()).as("a new session, from the same address").isNotEqualTo(captured.session());
        assertThat(second.resetProof()).as("with a proof of its own").isNotEqualTo(first.resetProof());

        alice.send(captured);

        // Carrying the proof the first REGISTERED gave, which the peer compares: the tracker's word, nobody else's.
        assertThat(alice.receive(TrackerTestClient.DEFAULT_TIMEOUT)).as("that session is gone")
                .isEqualTo(new SessionUnknown(captured.session(), first.resetProof()));
        assertThat(first.resetProof()).isEqualTo(twin.resetProof(first.token()));
        assertThat(metrics().dropped(DropReason.SESSION_UNKNOWN)).isEqualTo(1);
        assertThat(bob.lookup("alice")).isInstanceOf(LookupResult.class);
        assertThat(alice.keepalive()).isInstanceOf(KeepaliveAck.class);
        assertThat(metrics().registered()).isEqualTo(2);
    }

    @Test
    void shouldRefuseAnUnregisterReplayedInItsOwnSessionWhoseFirstCopyWasRefused() throws Exception {
        start();
        Identity aliceId = identity();
        TrackerTestClient alice = registered(aliceId, "alice");
        // Signed by someone else: refused, but the tracker has seen its counter.
        TrackerMessage.Unregister badlySigned = alice.unregisterRequest(identity());
        Sealed captured = alice.seal(badlySigned);
        assertThat(requestSealed(alice, captured, badlySigned.txid())).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.BAD_SIGNATURE));

        alice.send(captured);

        awaitCounter(() -> metrics().dropped(DropReason.BAD_SEAL), 1);
        assertThat(alice.receive(NO_REPLY_WAIT)).isNull();
        assertThat(metrics().errors(ErrorCode.BAD_SIGNATURE)).as("answered once").isEqualTo(1);
        assertThat(alice.lookup("alice")).isInstanceOf(LookupResult.class);
    }

    @Test
    void shouldDropARegisterReplayedAfterItsOwnerRegisteredUnderAnotherName() throws Exception {
        start();
        Identity aliceId = identity();
        TrackerTestClient alice = client();
        alice.fetchCookie();
        Register first = alice.registerRequest(aliceId, "alice", List.of());
        registerWith(alice, first);
        Registered renamed = registerWith(alice, alice.registerRequest(aliceId, "alicia", List.of()));
        TrackerTestClient bob = registered(identity(), "bob");

        alice.send(first); // carries a cookie still valid for alice's address

        awaitCounter(() -> metrics().dropped(DropReason.STALE_REGISTER), 1);
        assertThat(alice.receive(NO_REPLY_WAIT)).isNull();
        assertThat(bob.lookup("alice")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(bob.lookup("alicia")).isInstanceOfSatisfying(LookupResult.class,
                result -> assertThat(result.peer().identityKey()).isEqualTo(aliceId.publicKey()));
        assertThat(alice.token()).isEqualTo(renamed.token());
        assertThat(alice.keepalive()).as("the newer session is untouched").isInstanceOf(KeepaliveAck.class);
    }

    @Test
    void shouldDropARegisterReplayedFromTheOldAddressAfterItsOwnerMoved() throws Exception {
        start();
        Identity aliceId = identity();
        TrackerTestClient home = client();
        home.fetchCookie();
        Register fromHome = home.registerRequest(aliceId, "alice", List.of());
        registerWith(home, fromHome);
        TrackerTestClient cafe = registered(aliceId, "alice"); // the same peer, from a new address
        TrackerTestClient bob = registered(identity(), "bob");

        home.send(fromHome); // an attacker at (or spoofing) the old address

        awaitCounter(() -> metrics().dropped(DropReason.STALE_REGISTER), 1);
        assertThat(home.receive(NO_REPLY_WAIT)).isNull();
        assertThat(bob.lookup("alice")).isInstanceOfSatisfying(LookupResult.class,
                result -> assertThat(result.peer().observed()).as("still where alice moved")
                        .isEqualTo(cafe.localAddress()));
        assertThat(cafe.keepalive()).isInstanceOf(KeepaliveAck.class);
        assertSessionUnknown(home, home.seal(home.keepaliveRequest()));
    }

    @Test
    void shouldAnswerARetransmittedRegisterWithRegisteredForTheSameTokenInTheSameSession() throws Exception {
        start();
        Identity aliceId = identity();
        TrackerTestClient alice = client();
        alice.fetchCookie();
        Register register = alice.registerRequest(aliceId, "alice", List.of());
        Registered first = registerWith(alice, register);

        alice.send(register); // the REGISTERED was lost, say: the peer sends the same REGISTER again

        Sealed again = nextSealed(alice);
        assertThat(again.session()).isEqualTo(first.token());
        assertThat(alice.open(again)).isInstanceOfSatisfying(Registered.class, registered -> {
            assertThat(registered.txid()).isEqualTo(register.txid());
            assertThat(registered.token()).isEqualTo(first.token());
            assertThat(registered.observed()).isEqualTo(alice.localAddress());
        });
        assertThat(metrics().registered()).isEqualTo(1);
        assertThat(metrics().dropped(DropReason.STALE_REGISTER)).isZero();
        assertThat(alice.keepalive()).isInstanceOf(KeepaliveAck.class);
    }

    @Test
    void shouldDropBareRequestsThatBelongInASessionWithoutAnyReply() throws Exception {
        start();
        Identity aliceId = identity();
        Identity bobId = identity();
        TrackerTestClient alice = registered(aliceId, "alice");
        TrackerTestClient bob = registered(bobId, "bob");
        // Both look each other up, so a relay would be permitted.
        assertThat(alice.lookup("bob")).isInstanceOf(LookupResult.class);
        assertThat(bob.lookup("alice")).isInstanceOf(LookupResult.class);
        assertThat(alice.receive(TrackerTestClient.DEFAULT_TIMEOUT)).isInstanceOf(Introduction.class);
        Octets cookie = alice.cookie();
        List<TrackerMessage> bare = List.of(
                alice.keepaliveRequest(),
                new Lookup(alice.nextTxid(), cookie, alice.token(), "alice", "bob"),
                new ListRequest(alice.nextTxid(), cookie, 0),
                new Relay(alice.token(), bobId.publicKey(), Octets.of(new byte[] {1, 2, 3, 4})),
                alice.renameRequest(aliceId, "mallory"),
                alice.unregisterRequest(aliceId));

        for (TrackerMessage request : bare) {
            alice.send(request);
        }

        awaitCounter(() -> metrics().dropped(DropReason.UNSEALED), bare.size());
        assertThat(alice.receive(NO_REPLY_WAIT)).isNull();
        assertThat(metrics().relayedDatagrams()).isZero();
        assertThat(alice.lookup("alice")).as("nothing renamed or removed").isInstanceOf(LookupResult.class);
        assertThat(metrics().statsLine()).contains(" drop.unsealed=" + bare.size());
    }

    @Test
    void shouldDropATamperedSealedWithoutSpendingTheSessionsBudgetOrCounter() throws Exception {
        // A frozen clock and a burst of 5: were forgeries charged to alice's budget, her own request would fail.
        start(TrackerConfig.builder().loopback().rateLimit(1, 5).build(), new MutableClock());
        TrackerTestClient alice = registered(identity(), "alice");
        TrackerMessage.Keepalive keepalive = alice.keepaliveRequest();
        Sealed genuine = alice.seal(keepalive);
        byte[] bytes = TrackerCodec.encode(genuine);
        int sessionEnd = Wire.HEADER_SIZE + Long.BYTES;
        int forgeries = 0;

        // Every byte after the session token: the counter, the sealed message, the tag.
        for (int i = sessionEnd; i < bytes.length; i++) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= (byte) (1 << (i % 8));
            alice.sendRaw(flipped);
            forgeries++;
        }

        long expected = forgeries;
        awaitCounter(() -> metrics().dropped(DropReason.BAD_SEAL), expected);
        assertThat(alice.receive(NO_REPLY_WAIT)).isNull();
        assertThat(metrics().dropped(DropReason.RATE_LIMITED)).isZero();
        // The genuine datagram was never seen: its counter is still free, and the session still works.
        assertThat(requestSealed(alice, genuine, keepalive.txid())).isInstanceOf(KeepaliveAck.class);
        assertThat(alice.keepalive()).isInstanceOf(KeepaliveAck.class);
    }

    @Test
    void shouldAnswerAnAuthenticSealedFromAnotherAddressSealedInItsSessionAndMoveNothing() throws Exception {
        start();
        Identity aliceId = identity();
        TrackerTestClient alice = registered(aliceId, "alice");
        TrackerTestClient elsewhere = client(); // alice's host, another port: her NAT mapping moved, say
        TrackerMessage.Keepalive keepalive = alice.keepaliveRequest();
        byte[] datagram = TrackerCodec.encode(alice.seal(keepalive));

        elsewhere.sendRaw(datagram);

        // Opened first: authentic, so the answer is sealed in her session (only she reads it) and sent where the
        // datagram came from, no larger than it; before, anyone got an unauthenticated SESSION_UNKNOWN.
        byte[] reply = elsewhere.receiveRaw(TrackerTestClient.DEFAULT_TIMEOUT);
        assertThat(reply).as("an answer").isNotNull();
        assertThat(reply.length).isLessThanOrEqualTo(datagram.length);
        assertThat(TrackerCodec.decode(reply)).isInstanceOfSatisfying(Sealed.class, sealed -> {
            assertThat(sealed.session()).isEqualTo(alice.token());
            assertThat(elsewhere.open(sealed)).isNull();
            assertThat(alice.open(sealed)).isEqualTo(new ErrorReply(keepalive.txid(), ErrorCode.NOT_REGISTERED));
        });
        assertThat(metrics().dropped(DropReason.SESSION_MOVED)).isEqualTo(1);
        assertThat(metrics().dropped(DropReason.SESSION_UNKNOWN)).isZero();
        assertThat(metrics().sent(TrackerMessageType.SESSION_UNKNOWN)).isZero();

        // What does not open in her session is dropped from there too, unanswered.
        byte[] forged = TrackerCodec.encode(alice.seal(alice.keepaliveRequest()));
        forged[forged.length - 1] ^= 1;
        elsewhere.sendRaw(forged);
        awaitCounter(() -> metrics().dropped(DropReason.BAD_SEAL), 1);
        assertThat(elsewhere.receive(NO_REPLY_WAIT)).isNull();
        assertThat(metrics().dropped(DropReason.SESSION_MOVED)).isEqualTo(1);

        assertThat(alice.receive(NO_REPLY_WAIT)).as("nothing reaches alice").isNull();
        // The copy that raced ahead did not use up the counter: alice's own datagram still counts.
        alice.sendRaw(datagram);
        assertThat(alice.receive(TrackerTestClient.DEFAULT_TIMEOUT)).as("her keepalive, answered")
                .isInstanceOf(KeepaliveAck.class);
        assertThat(alice.lookup("alice")).isInstanceOfSatisfying(LookupResult.class,
                result -> assertThat(result.peer().observed()).isEqualTo(alice.localAddress()));
        assertThat(alice.keepalive()).isInstanceOfSatisfying(KeepaliveAck.class,
                ack -> assertThat(ack.observed()).isEqualTo(alice.localAddress()));
    }

    @Test
    void shouldGiveARegisterCarryingAnotherPeersSessionKeyASessionOfItsOwnThatTheVictimCannotOpen()
            throws Exception {
        start();
        Identity victimId = identity();
        TrackerTestClient victim = client();
        victim.fetchCookie();
        Register victimRegister = victim.registerRequest(victimId, "victim", List.of());
        victim.send(victimRegister);
        Sealed victimSealed = nextSealed(victim);
        TrackerMessage opened = victim.open(victimSealed);
        assertThat(opened).isInstanceOf(Registered.class);
        Registered victims = (Registered) opened;
        victim.claim("victim", victims.token());
        victim.useCookie(victims.cookie());
        TrackerTestClient carol = registered(identity(), "carol");

        // Mallory copies the victim's session key, seen on the wire, into a REGISTER of her own, validly signed.
        Identity malloryId = identity();
        TrackerTestClient mallory = client();
        mallory.fetchCookie();
        Register own = mallory.registerRequest(malloryId, "mallory", List.of());
        Register unsigned = new Register(own.txid(), own.cookie(), own.name(), own.identityKey(), own.agreementKey(),
                own.capabilities(), own.privateAddresses(), victimRegister.sessionKey(), own.timestamp(),
                own.signature());
        Register copied = unsigned.withSignature(malloryId.signatureFor(unsigned));
        mallory.send(copied);
        Sealed mallorySealed = nextSealed(mallory);

        assertThat(metrics().registered()).isEqualTo(3);
        assertThat(mallorySealed.session()).as("a session of its own").isNotZero()
                .isNotIn(victims.token(), carol.token());
        assertThat(victim.open(mallorySealed)).as("its REGISTERED does not open in the victim").isNull();
        assertThat(mallory.open(mallorySealed)).as("nor in mallory, who lacks the key's private half").isNull();
        // Both REGISTEREDs are their session's first message, and the first 20 bytes of each are known (header,
        // txid, token, lease): were they sealed under one key, the two boxes would share a keystream.
        assertThat(victimSealed.counter()).isZero();
        assertThat(mallorySealed.counter()).isZero();
        byte[] victimPlain = TrackerCodec.encode(victims);
        byte[] malloryPlain = ByteBuffer.wrap(victimPlain.clone()).putInt(Wire.HEADER_SIZE, copied.txid())
                .putLong(Wire.HEADER_SIZE + TrackerWire.TRANSACTION_ID_SIZE, mallorySealed.session()).array();
        assertThat(shareKeystream(victimSealed, victimPlain, mallorySealed, malloryPlain, 20))
                .as("no keystream shared with the victim's session").isFalse();

        // What the tracker seals for mallory later, an INTRODUCTION of whoever looks her up, opens nowhere else,
        // not even relabelled with the victim's session.
        assertThat(carol.lookup("mallory")).isInstanceOf(LookupResult.class);
        Sealed introduction = nextSealed(mallory);
        assertThat(introduction.session()).isEqualTo(mallorySealed.session());
        assertThat(victim.open(introduction)).isNull();
        assertThat(victim.open(new Sealed(victims.token(), introduction.counter(), introduction.box()))).isNull();
        assertThat(victim.lookup("mallory")).isInstanceOfSatisfying(LookupResult.class,
                result -> assertThat(result.peer().identityKey()).isEqualTo(malloryId.publicKey()));
        Sealed victimIntroduced = nextSealed(mallory);
        assertThat(victimIntroduced.session()).isEqualTo(mallorySealed.session());
        assertThat(victim.open(victimIntroduced)).as("the victim's own introduction, sealed for mallory").isNull();

        // The victim's session keeps working, and is where the victim is introduced.
        assertThat(victim.keepalive()).isInstanceOf(KeepaliveAck.class);
        assertThat(carol.lookup("victim")).isInstanceOfSatisfying(LookupResult.class, result -> {
            assertThat(result.peer().identityKey()).isEqualTo(victimId.publicKey());
            assertThat(result.peer().observed()).isEqualTo(victim.localAddress());
        });
        Sealed carolIntroduced = nextSealed(victim);
        assertThat(carolIntroduced.session()).isEqualTo(victims.token());
        assertThat(victim.open(carolIntroduced)).isInstanceOf(Introduction.class);
    }

    @Test
    void shouldNotAnswerARegisterWithABadSignatureAndCountItAsBadSignature() throws Exception {
        start();
        Identity aliceId = identity();
        TrackerTestClient alice = client();
        alice.fetchCookie();
        Register signed = alice.registerRequest(aliceId, "alice", List.of());
        byte[] flipped = signed.signature().toByteArray();
        flipped[0] ^= 1;
        List<Register> bad = List.of(
                signed.withSignature(Octets.of(flipped)),
                signed.withSignature(identity().signatureFor(signed)), // by another key than the one it names
                // as far in the future as a timestamp goes: were it remembered, the owner could not register
                new Register(signed.txid(), signed.cookie(), signed.name(), signed.identityKey(),
                        signed.agreementKey(), signed.capabilities(), signed.privateAddresses(),
                        signed.sessionKey(), Long.MAX_VALUE, signed.signature()));
        long receivedBefore = alice.bytesReceived();

        bad.forEach(alice::send);

        awaitCounter(() -> metrics().dropped(DropReason.BAD_SIGNATURE), bad.size());
        assertThat(alice.receive(NO_REPLY_WAIT)).as("no answer, sealed or not").isNull();
        assertThat(alice.bytesReceived()).isEqualTo(receivedBefore);
        assertThat(metrics().errors(ErrorCode.BAD_SIGNATURE)).isZero();
        assertThat(metrics().sent(TrackerMessageType.ERROR)).isZero();
        assertThat(metrics().registered()).isZero();
        // Nothing of them was kept: the genuine REGISTER, with the same session key and timestamp, registers.
        assertThat(registerWith(alice, signed).token()).isNotZero();
        assertThat(alice.keepalive()).isInstanceOf(KeepaliveAck.class);
    }

    @Test
    void shouldSealEachRefusalInAFreshNonzeroSessionThatIsNoRegistrationsToken() throws Exception {
        start();
        TrackerTestClient alice = registered(identity(), "alice");
        TrackerTestClient bob = registered(identity(), "bob");
        TrackerTestClient impostor = client();
        impostor.fetchCookie();
        Set<Long> sessions = new HashSet<>();

        for (int i = 0; i < 3; i++) {
            impostor.send(impostor.registerRequest(identity(), "alice", List.of()));
            Sealed refusal = nextSealed(impostor);
            assertThat(refusal.session()).isNotZero().isNotIn(alice.token(), bob.token());
            assertThat(alice.open(refusal)).isNull();
            assertThat(bob.open(refusal)).isNull();
            assertThat(impostor.open(refusal)).isInstanceOfSatisfying(ErrorReply.class,
                    error -> assertThat(error.code()).isEqualTo(ErrorCode.NAME_TAKEN));
            // No registration holds a session under that number: one sealed in it is unknown to the tracker.
            assertSessionUnknown(impostor, new Sealed(refusal.session(), 0, JUNK_BOX));
            sessions.add(refusal.session());
        }

        assertThat(sessions).as("a session of its own for each refusal").hasSize(3);
        assertThat(metrics().errors(ErrorCode.NAME_TAKEN)).isEqualTo(3);
        assertThat(metrics().registered()).isEqualTo(2);
        assertThat(alice.keepalive()).isInstanceOf(KeepaliveAck.class);
    }

    @Test
    void shouldDropARegisterReplayedAfterItsOwnerUnregisteredWhileItsCookieLastsAndKeepTheNameFree()
            throws Exception {
        MutableClock clock = new MutableClock(); // starts on an epoch boundary: the cookie lasts exactly two epochs
        start(TrackerConfig.builder().loopback().lease(Duration.ofMinutes(10)).keepalive(Duration.ofMinutes(1))
                .cookieEpoch(Duration.ofSeconds(60)).build(), clock);
        Identity aliceId = identity();
        TrackerTestClient alice = client();
        alice.fetchCookie();
        Register captured = alice.registerRequest(aliceId, "alice", List.of());
        registerWith(alice, captured);
        TrackerTestClient bob = registered(identity(), "bob");
        assertThat(alice.unregister(aliceId)).isInstanceOf(Ok.class);

        // The last moment the REGISTER's cookie is still accepted: the tracker still remembers its timestamp.
        clock.advance(Duration.ofSeconds(119));
        alice.send(captured); // what an on-path attacker saw, replayed from alice's own address

        awaitCounter(() -> metrics().dropped(DropReason.STALE_REGISTER), 1);
        assertThat(alice.receive(NO_REPLY_WAIT)).as("no answer to a replay").isNull();
        assertThat(metrics().dropped(DropReason.BAD_COOKIE)).as("the cookie was still good").isZero();
        assertThat(metrics().registered()).isEqualTo(1);
        assertThat(bob.lookup("alice")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND));

        // A moment on, the cookie and the memory of the timestamp end together: the replay fails at the cookie.
        clock.advance(Duration.ofSeconds(1));
        alice.send(captured);
        awaitCounter(() -> metrics().dropped(DropReason.BAD_COOKIE), 1);
        assertThat(alice.receive(NO_REPLY_WAIT)).isNull();
        assertThat(metrics().dropped(DropReason.STALE_REGISTER)).isEqualTo(1);
        assertThat(metrics().registered()).isEqualTo(1);
        TrackerTestClient carol = registered(identity(), "alice");
        assertThat(carol.lookup("alice")).as("the name stayed free for anyone").isInstanceOf(LookupResult.class);
    }

    @Test
    void shouldDropARegisterReplayedAfterItsOwnersLeaseEndedAndKeepTheNameFree() throws Exception {
        MutableClock clock = new MutableClock();
        start(TrackerConfig.builder().loopback().lease(Duration.ofSeconds(30)).keepalive(Duration.ofSeconds(10))
                .cookieEpoch(Duration.ofSeconds(60)).build(), clock);
        Identity aliceId = identity();
        TrackerTestClient alice = client();
        alice.fetchCookie();
        Register captured = alice.registerRequest(aliceId, "alice", List.of());
        registerWith(alice, captured);

        clock.advance(Duration.ofSeconds(30)); // alice's lease ends; her REGISTER's cookie is still good
        alice.send(captured);

        awaitCounter(() -> metrics().dropped(DropReason.STALE_REGISTER), 1);
        assertThat(alice.receive(NO_REPLY_WAIT)).as("no answer to a replay").isNull();
        assertThat(metrics().dropped(DropReason.BAD_COOKIE)).isZero();
        assertThat(metrics().registered()).isZero();
        TrackerTestClient bob = registered(identity(), "bob");
        assertThat(bob.lookup("alice")).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(registered(identity(), "alice").lookup("alice")).as("the name stayed free for anyone")
                .isInstanceOf(LookupResult.class);
    }

    @Test
    void shouldAnswerRetransmissionsOfTheLiveRegisterWithinTheRequestBudgetWithoutVerifyingTheirSignature()
            throws Exception {
        // A frozen clock: 8 requests per endpoint, 2 signature checks per host (twice the rate), never refilled.
        start(TrackerConfig.builder().loopback().rateLimit(1, 8).signatureRateLimit(1).build(), new MutableClock());
        Identity aliceId = identity();
        TrackerTestClient alice = client();
        alice.fetchCookie();
        Register register = alice.registerRequest(aliceId, "alice", List.of());
        Registered first = registerWith(alice, register); // one request, one signature check
        int retransmissions = 10;

        int answered = 0;
        for (int i = 0; i < retransmissions; i++) {
            alice.send(register);
            TrackerMessage reply = alice.receive(NO_REPLY_WAIT);
            if (reply != null) {
                assertThat(reply).isInstanceOfSatisfying(Registered.class, again -> {
                    assertThat(again.txid()).isEqualTo(register.txid());
                    assertThat(again.token()).isEqualTo(first.token());
                    assertThat(again.resetProof()).isEqualTo(first.resetProof());
                });
                answered++;
            }
        }

        // Answered while the request budget lasts (7 of 8 left), more often than the signature budget (1 of 2
        // left) would allow; beyond it dropped as stale, not as over a budget.
        assertThat(answered).isEqualTo(7);
        assertThat(metrics().dropped(DropReason.STALE_REGISTER)).isEqualTo(retransmissions - 7);
        assertThat(metrics().dropped(DropReason.RATE_LIMITED)).isZero();
        assertThat(metrics().registered()).isEqualTo(1);

        // The same REGISTER from another address, with a cookie valid there (the signature covers the cookie, but
        // a retransmission is not verified): not answered, and no budget of that address spent.
        TrackerTestClient elsewhere = client();
        elsewhere.fetchCookie();
        elsewhere.send(new Register(register.txid(), elsewhere.cookie(), register.name(), register.identityKey(),
                register.agreementKey(), register.capabilities(), register.privateAddresses(), register.sessionKey(),
                register.timestamp(), register.signature()));
        awaitCounter(() -> metrics().dropped(DropReason.STALE_REGISTER), retransmissions - 7 + 1);
        assertThat(elsewhere.receive(NO_REPLY_WAIT)).isNull();

        // The host's signature budget still holds the one check the registration left: none went to the copies.
        TrackerTestClient bob = client();
        bob.fetchCookie();
        assertThat(bob.register(identity(), "bob")).isInstanceOf(Registered.class);
        TrackerTestClient carol = client();
        carol.fetchCookie();
        assertThat(carol.request(carol.registerRequest(identity(), "carol", List.of()), NO_REPLY_WAIT)).isNull();
        assertThat(metrics().dropped(DropReason.RATE_LIMITED)).as("carol's, over the signature budget").isEqualTo(1);
    }

    @Test
    void shouldSealEveryReplyToARegisteredPeerAndAnIntroductionOnlyInTheTargetsSession() throws Exception {
        start();
        Identity aliceId = identity();
        Identity bobId = identity();
        TrackerTestClient alice = registered(aliceId, "alice");
        TrackerTestClient bob = registered(bobId, "bob");
        TrackerTestClient carol = registered(identity(), "carol");

        assertThat(sealedReply(alice, alice.keepaliveRequest())).isInstanceOf(KeepaliveAck.class);
        assertThat(sealedReply(alice, new ListRequest(alice.nextTxid(), alice.cookie(), 0)))
                .isInstanceOf(ListPage.class);
        assertThat(sealedReply(alice, new Lookup(alice.nextTxid(), alice.cookie(), alice.token(), "alice",
                "nobody"))).isInstanceOf(ErrorReply.class);
        assertThat(sealedReply(alice, new Lookup(alice.nextTxid(), alice.cookie(), alice.token() + 1, "alice",
                "bob"))).as("a token not the session's").isInstanceOfSatisfying(ErrorReply.class,
                        error -> assertThat(error.code()).isEqualTo(ErrorCode.BAD_TOKEN));
        assertThat(sealedReply(alice, new Lookup(alice.nextTxid(), alice.cookie(), alice.token(), "alice", "bob")))
                .isInstanceOf(LookupResult.class);

        Sealed introduction = nextSealed(bob);
        assertThat(introduction.session()).isEqualTo(bob.token());
        assertThat(alice.open(introduction)).as("not in the requester's session").isNull();
        assertThat(carol.open(introduction)).as("nor in anyone else's").isNull();
        assertThat(bob.open(introduction)).isInstanceOfSatisfying(Introduction.class,
                intro -> assertThat(intro.peer().identityKey()).isEqualTo(aliceId.publicKey()));

        byte[] payload = "opaque".getBytes(StandardCharsets.US_ASCII);
        assertThat(bob.lookup("alice")).as("bob wants alice too, so she may relay to him")
                .isInstanceOf(LookupResult.class);
        alice.relay(bobId.publicKey(), payload);
        Sealed relayed = nextSealed(bob);
        assertThat(carol.open(relayed)).isNull();
        assertThat(bob.open(relayed)).isEqualTo(new Relayed(aliceId.publicKey(), Octets.of(payload)));

        // A refused REGISTER is sealed too: under keys of its REGISTER, in a fresh session that is no token.
        TrackerTestClient impostor = client();
        impostor.fetchCookie();
        impostor.send(impostor.registerRequest(identity(), "alice", List.of()));
        Sealed refusal = nextSealed(impostor);
        assertThat(refusal.session()).isNotZero().isNotIn(alice.token(), bob.token(), carol.token());
        assertThat(alice.open(refusal)).isNull();
        assertThat(impostor.open(refusal)).isInstanceOfSatisfying(ErrorReply.class,
                error -> assertThat(error.code()).isEqualTo(ErrorCode.NAME_TAKEN));

        assertThat(metrics().sent(TrackerMessageType.INTRODUCTION)).as("bob to alice, and alice to bob")
                .isEqualTo(2);
        assertThat(metrics().sent(TrackerMessageType.SEALED)).as("every reply but the cookies")
                .isEqualTo(metrics().datagramsOut() - metrics().sent(TrackerMessageType.COOKIE_CHALLENGE));
    }

    @Test
    void shouldRelayBeyondTheRequestBudgetSinceRelaysSpendOnlyTheRelayBudget() throws Exception {
        // A frozen clock, 5 requests of burst and the default relay budget (a burst of 200 datagrams).
        start(TrackerConfig.builder().loopback().rateLimit(1, 5).build(), new MutableClock());
        Identity bobId = identity();
        TrackerTestClient alice = registered(identity(), "alice");
        TrackerTestClient bob = registered(bobId, "bob");
        assertThat(alice.lookup("bob")).isInstanceOf(LookupResult.class);
        assertThat(bob.lookup("alice")).isInstanceOf(LookupResult.class);
        int relays = 20;

        for (int i = 0; i < relays; i++) {
            alice.relay(bobId.publicKey(), new byte[] {1, 2, 3, (byte) i});
        }

        awaitCounter(() -> metrics().relayedDatagrams(), relays);
        assertThat(metrics().dropped(DropReason.RATE_LIMITED)).isZero();
        assertThat(alice.keepalive()).as("the relay left the requests their budget")
                .isInstanceOf(KeepaliveAck.class);
        int received = 0;
        while (bob.receiveRelayed(NO_REPLY_WAIT) != null) {
            received++;
        }
        assertThat(received).isPositive().isLessThanOrEqualTo(relays);
    }

    /** Sends {@code sealed} from {@code sender} and expects the tracker not to know its session. */
    private void assertSessionUnknown(TrackerTestClient sender, Sealed sealed) {
        sender.send(sealed);
        assertThat(sender.receive(TrackerTestClient.DEFAULT_TIMEOUT))
                .isEqualTo(new SessionUnknown(sealed.session(), twin.resetProof(sealed.session())));
    }

    /**
     * Whether two boxes sealed under the same counter share a keystream (one key sealed both), judged on the first
     * {@code length} bytes of what they carry, known for both: a shared keystream XORs away.
     */
    private static boolean shareKeystream(Sealed a, byte[] plainA, Sealed b, byte[] plainB, int length) {
        byte[] boxA = a.box().toByteArray();
        byte[] boxB = b.box().toByteArray();
        for (int i = 0; i < length; i++) {
            if ((boxA[i] ^ boxB[i]) != (plainA[i] ^ plainB[i])) {
                return false;
            }
        }
        return true;
    }
}
