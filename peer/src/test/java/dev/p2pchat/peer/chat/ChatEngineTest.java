package dev.p2pchat.peer.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.PathStats;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerRef;
import dev.p2pchat.peer.link.LinkTable;
import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.testsupport.MutableClock;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The conversation table on its own: two engines wired through an in-memory network, and hostile datagrams. */
class ChatEngineTest {
    private static final InetSocketAddress ALICE_AT = new InetSocketAddress("127.0.0.1", 1001);
    private static final InetSocketAddress BOB_AT = new InetSocketAddress("127.0.0.1", 1002);
    private static final InetSocketAddress MALLORY_AT = new InetSocketAddress("127.0.0.1", 1003);

    /** A datagram in flight: direct, or relayed by the tracker for the peer holding {@code relayedFor}. */
    private record Datagram(InetSocketAddress from, InetSocketAddress to, PeerFrame message, Octets relayedFor) {}

    private final MutableClock clock = new MutableClock();
    private final SplittableRandom random = new SplittableRandom(7);
    private final Deque<Datagram> network = new ArrayDeque<>();
    private final List<PeerEvent> aliceEvents = new ArrayList<>();
    private final List<PeerEvent> bobEvents = new ArrayList<>();
    private final List<String> introductionsWanted = new ArrayList<>();
    private boolean relayAvailable;
    private boolean directBlocked;
    private final Identity aliceId = identity(1);
    private final Identity bobId = identity(2);
    private final ChatEngine alice = engine(aliceId, "alice", ALICE_AT, aliceEvents);
    private final ChatEngine bob = engine(bobId, "bob", BOB_AT, bobEvents);

    private static Identity identity(int seed) {
        byte[] key = new byte[Identity.PRIVATE_KEY_SIZE];
        new SplittableRandom(seed).nextBytes(key);
        return Identity.fromPrivateKey(key);
    }

    private ChatEngine engine(Identity identity, String name, InetSocketAddress at, List<PeerEvent> events) {
        PeerSocket output = new PeerSocket() {
            @Override
            public void send(InetSocketAddress to, byte[] frame) {
                network.add(new Datagram(at, to, decoded(frame), null));
            }

            @Override
            public void relay(Octets to, byte[] frame) {
                network.add(new Datagram(at, to.equals(aliceId.publicKey()) ? ALICE_AT : BOB_AT, decoded(frame),
                        identity.publicKey()));
            }

            @Override
            public boolean canRelay() {
                return relayAvailable;
            }
        };
        return new ChatEngine(clock, random, PeerSession.Timers.DEFAULT,
                new PeerSession.Self(identity, name, Octets.zeros(Wire.KEY_SIZE), 0), false, Contacts.inMemory(),
                output, events::add, (key, peerName) -> introductionsWanted.add(name + " wants " + peerName));
    }

    private static PeerFrame decoded(byte[] frame) {
        try {
            return PeerFrameCodec.decode(frame);
        } catch (ProtocolException e) {
            throw new AssertionError("an engine sent a malformed frame", e);
        }
    }

    /** {@code frame} arrives at {@code to} straight from {@code from}. */
    private static void deliver(ChatEngine to, InetSocketAddress from, PeerFrame frame) {
        to.links().onDatagram(from, ByteBuffer.wrap(PeerFrameCodec.encode(frame)));
    }

    /** {@code frame} arrives at {@code to} through the tracker's relay, from the peer holding {@code sender}. */
    private static void relayed(ChatEngine to, Octets sender, PeerFrame frame) {
        to.links().onRelayed(sender, ByteBuffer.wrap(PeerFrameCodec.encode(frame)));
    }

    /** Delivers everything in flight (and what it causes), ticking both engines every 100 ms of fake time. */
    private void run(Duration duration) {
        long end = clock.millis() + duration.toMillis();
        while (clock.millis() < end) {
            alice.tick();
            bob.tick();
            while (!network.isEmpty()) {
                Datagram datagram = network.poll();
                ChatEngine to = datagram.to().equals(ALICE_AT) ? alice : datagram.to().equals(BOB_AT) ? bob : null;
                if (to == null || (directBlocked && datagram.relayedFor() == null)) {
                    continue;
                }
                if (datagram.relayedFor() != null) {
                    relayed(to, datagram.relayedFor(), datagram.message());
                } else {
                    deliver(to, datagram.from(), datagram.message());
                }
            }
            clock.advance(Duration.ofMillis(100));
        }
    }

    @Test
    void shouldOpenOneConversationWhenConnectingByAddress() {
        alice.connect(BOB_AT);
        run(Duration.ofSeconds(2));

        assertThat(aliceEvents).filteredOn(PeerEvent.Connected.class::isInstance).hasSize(1);
        assertThat(bobEvents).filteredOn(PeerEvent.Connected.class::isInstance).hasSize(1);
        assertThat(alice.hasConversation(bobId.publicKey())).isTrue();
        assertThat(bob.hasConversation(aliceId.publicKey())).isTrue();
        assertThat(aliceEvents).noneMatch(PeerEvent.Disconnected.class::isInstance);
    }

    @Test
    void shouldOpenOneConversationWhenBothSidesConnectAtOnce() {
        alice.connect(bobId.publicKey(), "bob", List.of(BOB_AT));
        bob.connect(aliceId.publicKey(), "alice", List.of(ALICE_AT));
        run(Duration.ofSeconds(2));

        long id = alice.newMessageId();
        alice.sendText(bobId.publicKey(), id, "hi");
        run(Duration.ofSeconds(1));

        assertThat(aliceEvents).filteredOn(PeerEvent.Connected.class::isInstance).hasSize(1);
        assertThat(bobEvents).filteredOn(PeerEvent.Connected.class::isInstance).hasSize(1);
        assertThat(bobEvents).contains(new PeerEvent.MessageReceived(alice(), "hi", false));
        assertThat(aliceEvents).contains(new PeerEvent.Delivered(new PeerRef("bob", fingerprint(bobId)), id));
    }

    @Test
    void shouldDropAndCountAHelloWhoseSignatureDoesNotVerify() {
        Hello unsigned = new Hello(42, 43, "mallory", aliceId.publicKey(), Octets.zeros(Wire.KEY_SIZE), 0,
                Octets.zeros(Wire.SIGNATURE_SIZE));
        Hello forged = unsigned.withSignature(bobId.signatureFor(unsigned)); // claims alice's key

        deliver(bob, ALICE_AT, forged);

        assertThat(bob.links().dropped(LinkTable.Drop.BAD_SIGNATURE)).isEqualTo(1);
        assertThat(bob.hasConversation(aliceId.publicKey())).isFalse();
        assertThat(network).as("no answer").isEmpty();
    }

    @Test
    void shouldDropAndCountDatagramsForNoConversation() {
        deliver(bob, ALICE_AT, new Data(99, 1, ContentKind.TEXT, 0, 1, Octets.of(new byte[] {1})));
        HelloAck unsigned = new HelloAck(5, 6, "alice", aliceId.publicKey(), Octets.zeros(Wire.KEY_SIZE), 0,
                Octets.zeros(Wire.SIGNATURE_SIZE));
        deliver(bob, ALICE_AT, unsigned.withSignature(aliceId.signatureFor(unsigned)));

        assertThat(bob.links().dropped(LinkTable.Drop.UNKNOWN_SESSION)).isEqualTo(2);
        assertThat(network).isEmpty();
    }

    @Test
    void shouldHoldAtMostTheLimitOfConversationsUnderAFloodOfHellos() {
        for (int i = 0; i <= LinkTable.MAX_SESSIONS; i++) {
            Identity stranger = identity(1000 + i);
            Hello unsigned = new Hello(i + 1, i, "s" + i, stranger.publicKey(), Octets.zeros(Wire.KEY_SIZE), 0,
                    Octets.zeros(Wire.SIGNATURE_SIZE));
            deliver(bob, new InetSocketAddress("127.0.0.1", 2000 + i), unsigned.withSignature(
                    stranger.signatureFor(unsigned)));
        }

        assertThat(bob.links().dropped(LinkTable.Drop.TOO_MANY_SESSIONS)).isEqualTo(1);
        network.clear();
        run(Duration.ofSeconds(11));
        assertThat(bobEvents).as("nobody here asked for them: no events").isEmpty();
        alice.connect(BOB_AT);
        run(Duration.ofSeconds(1));
        assertThat(bob.hasConversation(aliceId.publicKey())).as("unanswered ones time out and free room").isTrue();
    }

    @Test
    void shouldIgnoreAHelloFromItself() {
        Hello unsigned = new Hello(1, 2, "bob", bobId.publicKey(), Octets.zeros(Wire.KEY_SIZE), 0,
                Octets.zeros(Wire.SIGNATURE_SIZE));
        deliver(bob, BOB_AT, unsigned.withSignature(bobId.signatureFor(unsigned)));

        assertThat(network).isEmpty();
        assertThat(bob.peers()).isEmpty();
    }

    @Test
    void shouldDropAndCountAMessageWhoseContentBreaksItsKindsRule() {
        alice.connect(BOB_AT);
        run(Duration.ofSeconds(1));
        alice.sendText(bobId.publicKey(), alice.newMessageId(), "first");
        Data first = (Data) network.stream().filter(d -> d.message() instanceof Data).findFirst().orElseThrow()
                .message();
        run(Duration.ofSeconds(1));
        bob.requestFriend(aliceId.publicKey(), "");
        run(Duration.ofSeconds(1));

        deliver(bob, ALICE_AT, new Data(first.session(), 2, ContentKind.FRIEND_ACCEPT, 0, 1,
                Octets.of(new byte[] {'x'})));
        deliver(bob, ALICE_AT, new Data(first.session(), 3, ContentKind.NAME_CHANGED, 0, 1,
                Octets.of("Not A Name".getBytes(java.nio.charset.StandardCharsets.US_ASCII))));

        assertThat(bob.badContent()).isEqualTo(2);
        assertThat(bob.peers()).singleElement().satisfies(view -> {
            assertThat(view.friend()).as("a body where none belongs accepts nothing")
                    .isEqualTo(FriendState.REQUEST_SENT);
            assertThat(view.peer().name()).isEqualTo("alice");
        });
    }

    @Test
    void shouldReadAMessageThatOvertookTheHandshakeOnceThePeerProvedItself() {
        alice.connect(bobId.publicKey(), "bob", List.of(BOB_AT));
        alice.sendText(bobId.publicKey(), alice.newMessageId(), "right away");

        // Alice connects on bob's HELLO_ACK and sends at once; her DATA reaches bob before her HELLO_ACK does.
        run(Duration.ofMillis(300));

        assertThat(bobEvents).as("read on proof, not after a retransmission (the first timeout is 1 s)")
                .contains(new PeerEvent.MessageReceived(alice(), "right away", false));
    }

    /** A HELLO bob signed when he tried to reach mallory, which she keeps to replay. */
    private Hello helloBobSentToMallory() {
        bob.connect(MALLORY_AT);
        Hello hello = (Hello) network.stream().filter(d -> d.to().equals(MALLORY_AT)).findFirst().orElseThrow()
                .message();
        network.clear();
        return hello;
    }

    @Test
    void shouldNotLetAReplayedHelloSpeakForItsSigner() {
        Hello replayed = helloBobSentToMallory();

        deliver(alice, MALLORY_AT, replayed);
        HelloAck answer = (HelloAck) network.stream().filter(d -> d.message() instanceof HelloAck).findFirst()
                .orElseThrow().message();
        deliver(alice, MALLORY_AT, new PeerFrame.Ping(answer.session(), 1));
        deliver(alice, MALLORY_AT, new Data(answer.session(), 1, ContentKind.TEXT, 0, 1,
                Octets.of("hi, it's bob".getBytes(java.nio.charset.StandardCharsets.UTF_8))));

        assertThat(aliceEvents).as("without bob's signature over alice's nonce, nothing is bob's").isEmpty();
    }

    @Test
    void shouldKeepAnOpenConversationWhenAnOldHelloIsReplayed() {
        Hello replayed = helloBobSentToMallory();
        alice.connect(BOB_AT);
        run(Duration.ofSeconds(1));

        deliver(alice, MALLORY_AT, replayed);
        network.removeIf(d -> d.to().equals(MALLORY_AT));
        run(Duration.ofSeconds(11));
        long id = alice.newMessageId();
        alice.sendText(bobId.publicKey(), id, "still here?");
        run(Duration.ofSeconds(1));

        assertThat(aliceEvents).noneMatch(PeerEvent.Disconnected.class::isInstance);
        assertThat(bobEvents).contains(new PeerEvent.MessageReceived(alice(), "still here?", false));
    }

    @Test
    void shouldUseOneConversationWhenAPeerIsReachedByAddressAndByKeyAtOnce() {
        alice.connect(BOB_AT);
        alice.connect(bobId.publicKey(), "bob", List.of(BOB_AT));
        for (int i = 0; i < 5; i++) {
            alice.sendText(bobId.publicKey(), alice.newMessageId(), "m" + i);
        }
        run(Duration.ofSeconds(2));

        assertThat(aliceEvents).filteredOn(PeerEvent.Connected.class::isInstance).hasSize(1);
        assertThat(aliceEvents).filteredOn(PeerEvent.Delivered.class::isInstance).hasSize(5);
        assertThat(aliceEvents).noneMatch(e -> e instanceof PeerEvent.Failed || e instanceof PeerEvent.ConnectFailed);
        assertThat(bobEvents).filteredOn(PeerEvent.MessageReceived.class::isInstance).hasSize(5);
    }

    private PeerRef alice() {
        return new PeerRef("alice", fingerprint(aliceId));
    }

    private static String fingerprint(Identity identity) {
        return PeerRef.fingerprint(identity.publicKey());
    }

    @Test
    void shouldCountEachAttemptAndHowItEnded() {
        alice.connect(bobId.publicKey(), "bob", List.of(BOB_AT));
        run(Duration.ofSeconds(1));
        assertThat(alice.links().paths()).isEqualTo(new PathStats(1, 1, 0, 0));

        Identity carol = identity(3);
        alice.connect(carol.publicKey(), "carol", List.of(new InetSocketAddress("127.0.0.1", 1009)));
        run(Duration.ofSeconds(11));
        assertThat(alice.links().paths()).as("nobody answered at carol's address").isEqualTo(
                new PathStats(2, 1, 0, 1));
    }

    /**
     * The race a tracker lookup runs: the tracker introduces alice to bob, bob's HELLO reaches alice before the
     * lookup's answer does, so the HELLO opens alice's conversation (with no addresses of its own), and then the
     * answer makes alice punch to bob's addresses in that same conversation. That is alice's attempt, and it ends
     * direct; the counters must not show an end without its attempt.
     */
    @Test
    void shouldCountTheAttemptWhenThePeersHelloArrivedBeforeTheLookupsAnswer() {
        bob.connect(aliceId.publicKey(), "alice", List.of(ALICE_AT)); // the introduction
        Datagram bobsHello = network.poll();
        deliver(alice, BOB_AT, bobsHello.message());
        alice.connect(bobId.publicKey(), "bob", List.of(BOB_AT)); // the lookup's answer
        run(Duration.ofSeconds(1));

        assertThat(aliceEvents).filteredOn(PeerEvent.Connected.class::isInstance).hasSize(1);
        assertThat(alice.links().paths()).isEqualTo(new PathStats(1, 1, 0, 0));
        assertThat(bob.links().paths()).isEqualTo(new PathStats(1, 1, 0, 0));
    }

    @Test
    void shouldConnectThroughTheRelayAndShowItInThePeerList() {
        relayAvailable = true;
        directBlocked = true;
        alice.connect(bobId.publicKey(), "bob", List.of(BOB_AT));
        run(Duration.ofSeconds(5));

        assertThat(aliceEvents).contains(new PeerEvent.Connected(new PeerRef("bob", fingerprint(bobId)), null));
        assertThat(alice.peers()).singleElement().satisfies(view -> {
            assertThat(view.path()).isEqualTo("relay");
            assertThat(view.connected()).isTrue();
        });
        assertThat(alice.links().paths()).isEqualTo(new PathStats(1, 0, 1, 0));

        run(Duration.ofMillis(PeerSession.Timers.DEFAULT.upgradeInterval()));
        assertThat(introductionsWanted).as("tries for a direct path while relayed").contains("alice wants bob");

        directBlocked = false;
        alice.connect(bobId.publicKey(), "bob", List.of(BOB_AT)); // what the lookup found
        run(Duration.ofSeconds(1));
        assertThat(alice.peers()).singleElement().satisfies(view -> assertThat(view.path()).isEqualTo("direct"));
        assertThat(aliceEvents).contains(new PeerEvent.PathChanged(new PeerRef("bob", fingerprint(bobId)), BOB_AT));
        assertThat(alice.links().paths()).isEqualTo(new PathStats(2, 1, 1, 0));
    }

    @Test
    void shouldDropARelayedGreetingThatIsNotTheRelayingPeers() {
        Hello unsigned = new Hello(1, 2, "alice", aliceId.publicKey(), Octets.zeros(Wire.KEY_SIZE), 0,
                Octets.zeros(Wire.SIGNATURE_SIZE));
        Hello hello = unsigned.withSignature(aliceId.signatureFor(unsigned));

        relayed(bob, identity(9).publicKey(), hello); // the tracker says mallory relayed alice's greeting

        assertThat(bob.links().dropped(LinkTable.Drop.RELAY_MISMATCH)).isEqualTo(1);
        assertThat(bob.hasConversation(aliceId.publicKey())).isFalse();
        relayed(bob, aliceId.publicKey(), hello);
        assertThat(bob.hasConversation(aliceId.publicKey())).as("from alice herself it opens one").isTrue();
    }

    @Test
    void shouldDropARelayedMessageForAConversationWithAnotherPeer() {
        alice.connect(bobId.publicKey(), "bob", List.of(BOB_AT));
        run(Duration.ofSeconds(1));
        alice.sendText(bobId.publicKey(), alice.newMessageId(), "hi");
        Data data = network.stream().map(Datagram::message).filter(Data.class::isInstance).map(Data.class::cast)
                .findFirst().orElseThrow();
        network.clear();

        relayed(bob, identity(9).publicKey(), data); // mallory saw the session id and relays it as her own

        assertThat(bob.links().dropped(LinkTable.Drop.RELAY_MISMATCH)).isEqualTo(1);
        assertThat(bobEvents).noneMatch(PeerEvent.MessageReceived.class::isInstance);
        relayed(bob, aliceId.publicKey(), data);
        assertThat(bobEvents).as("relayed for alice herself it counts").contains(
                new PeerEvent.MessageReceived(alice(), "hi", false));
    }
}
