package dev.p2pchat.peer.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.PathStats;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerRef;
import dev.p2pchat.peer.link.LinkTable;
import dev.p2pchat.peer.link.LocalPeer;
import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.testsupport.MutableClock;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The chat on top of real conversations: two engines wired through an in-memory network, on a fake clock. */
class ChatEngineTest {
    private static final InetSocketAddress ALICE_AT = new InetSocketAddress("127.0.0.1", 1001);
    private static final InetSocketAddress BOB_AT = new InetSocketAddress("127.0.0.1", 1002);

    /** A datagram in flight: direct, or relayed by the tracker from the peer holding {@code relayedFrom}. */
    private record Datagram(InetSocketAddress from, InetSocketAddress to, byte[] bytes, Octets relayedFrom) {}

    private final MutableClock clock = new MutableClock();
    private final Deque<Datagram> network = new ArrayDeque<>();
    private final List<PeerEvent> aliceEvents = new ArrayList<>();
    private final List<PeerEvent> bobEvents = new ArrayList<>();
    private final List<String> introductionsWanted = new ArrayList<>();
    private boolean relayAvailable;
    private boolean directBlocked;
    private final Identity aliceId = identity(1);
    private final Identity bobId = identity(2);
    private final X25519.KeyPair aliceAgreement = agreement(1);
    private final X25519.KeyPair bobAgreement = agreement(2);
    private final ChatEngine alice = engine(aliceId, aliceAgreement, "alice", ALICE_AT, aliceEvents);
    private final ChatEngine bob = engine(bobId, bobAgreement, "bob", BOB_AT, bobEvents);

    private static Identity identity(int seed) {
        byte[] key = new byte[Identity.PRIVATE_KEY_SIZE];
        new SplittableRandom(seed).nextBytes(key);
        return Identity.fromPrivateKey(key);
    }

    private static X25519.KeyPair agreement(int seed) {
        byte[] key = new byte[X25519.KEY_SIZE];
        new SplittableRandom(seed + 100).nextBytes(key);
        return X25519.fromPrivateKey(key);
    }

    private ChatEngine engine(Identity identity, X25519.KeyPair agreement, String name, InetSocketAddress at,
            List<PeerEvent> events) {
        SplittableRandom random = new SplittableRandom(name.hashCode());
        PeerSocket socket = new PeerSocket() {
            @Override
            public void send(InetSocketAddress to, byte[] frame) {
                network.add(new Datagram(at, to, frame, null));
            }

            @Override
            public void relay(Octets to, byte[] frame) {
                network.add(new Datagram(at, to.equals(aliceId.publicKey()) ? ALICE_AT : BOB_AT, frame,
                        identity.publicKey()));
            }

            @Override
            public boolean canRelay() {
                return relayAvailable;
            }
        };
        return new ChatEngine(clock, random, () -> {
            byte[] key = new byte[X25519.KEY_SIZE];
            random.nextBytes(key);
            return X25519.fromPrivateKey(key);
        }, PeerSession.Timers.DEFAULT, new LocalPeer(identity, agreement, name), false, Contacts.inMemory(), socket,
                events::add, (key, peerName) -> introductionsWanted.add(name + " wants " + peerName));
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
                if (to == null || (directBlocked && datagram.relayedFrom() == null)) {
                    continue;
                }
                if (datagram.relayedFrom() != null) {
                    to.links().onRelayed(datagram.relayedFrom(), ByteBuffer.wrap(datagram.bytes()));
                } else {
                    to.links().onDatagram(datagram.from(), ByteBuffer.wrap(datagram.bytes()));
                }
            }
            clock.advance(Duration.ofMillis(100));
        }
    }

    private PeerRef aliceRef() {
        return new PeerRef("alice", PeerRef.fingerprint(aliceId.publicKey()));
    }

    private PeerRef bobRef() {
        return new PeerRef("bob", PeerRef.fingerprint(bobId.publicKey()));
    }

    private void connect() {
        alice.connect(bobId.publicKey(), Octets.of(bobAgreement.publicKey()), "bob", List.of(BOB_AT));
        run(Duration.ofSeconds(1));
    }

    @Test
    void shouldConnectByKeyAndReportDeliveryOfATextShownOnce() {
        connect();
        long id = alice.newMessageId();
        alice.sendText(bobId.publicKey(), id, "hi");
        run(Duration.ofSeconds(1));

        assertThat(aliceEvents).filteredOn(PeerEvent.Connected.class::isInstance).hasSize(1);
        assertThat(bobEvents).containsOnlyOnce(new PeerEvent.MessageReceived(aliceRef(), "hi", false));
        assertThat(aliceEvents).contains(new PeerEvent.Delivered(bobRef(), id));
        assertThat(alice.history(bobId.publicKey())).singleElement().satisfies(entry -> assertThat(entry.text())
                .isEqualTo("hi"));
    }

    @Test
    void shouldOpenOneConversationWhenConnectingByAddressAndLearnTheName() {
        alice.connect(BOB_AT);
        run(Duration.ofSeconds(2));

        assertThat(aliceEvents).filteredOn(PeerEvent.Connected.class::isInstance).hasSize(1);
        assertThat(alice.hasConversation(bobId.publicKey())).isTrue();
        assertThat(alice.resolve("bob")).isEqualTo(bobId.publicKey());
    }

    @Test
    void shouldDropAndCountAMessageWhoseContentBreaksItsKindsRule() {
        connect();
        bob.requestFriend(aliceId.publicKey(), "");
        run(Duration.ofSeconds(1));

        alice.links().offer(bobId.publicKey(), ContentKind.FRIEND_ACCEPT, new byte[] {'x'}, LinkTable.NO_RECEIPT);
        alice.links().offer(bobId.publicKey(), ContentKind.NAME_CHANGED,
                "Not A Name".getBytes(StandardCharsets.US_ASCII), LinkTable.NO_RECEIPT);
        run(Duration.ofSeconds(1));

        assertThat(bob.badContent()).isEqualTo(2);
        assertThat(bob.peers()).singleElement().satisfies(view -> {
            assertThat(view.friend()).as("a body where none belongs accepts nothing")
                    .isEqualTo(FriendState.REQUEST_SENT);
            assertThat(view.peer().name()).isEqualTo("alice");
        });
    }

    @Test
    void shouldMakeFriendsBothWaysAndTellTheOtherSideOfARename() {
        connect();
        alice.requestFriend(bobId.publicKey(), "it's me");
        run(Duration.ofSeconds(1));
        bob.acceptFriend(aliceId.publicKey());
        run(Duration.ofSeconds(1));
        alice.rename("alicia");
        run(Duration.ofSeconds(1));

        assertThat(bobEvents).contains(new PeerEvent.FriendRequested(aliceRef(), "it's me"));
        assertThat(aliceEvents).contains(new PeerEvent.FriendAccepted(bobRef()));
        assertThat(bobEvents).contains(new PeerEvent.Renamed(new PeerRef("alicia",
                PeerRef.fingerprint(aliceId.publicKey())), "alice"));
    }

    @Test
    void shouldEndTheConversationAndRefuseEverythingFromABlockedPeer() {
        connect();
        bob.block(aliceId.publicKey());
        run(Duration.ofSeconds(1));

        assertThat(bob.hasConversation(aliceId.publicKey())).isFalse();
        assertThat(aliceEvents).anyMatch(PeerEvent.Disconnected.class::isInstance);
        alice.connect(bobId.publicKey(), Octets.of(bobAgreement.publicKey()), "bob", List.of(BOB_AT));
        run(Duration.ofSeconds(2));
        assertThat(bob.links().dropped(LinkTable.Drop.BLOCKED)).isPositive();
        assertThatThrownBy(() -> alice.connect(aliceId.publicKey(), null, "me", List.of(ALICE_AT)))
                .isInstanceOf(ChatException.class).hasMessageContaining("own key");
    }

    @Test
    void shouldConnectThroughTheRelayShowItInThePeerListAndCountHowEachAttemptEnded() {
        relayAvailable = true;
        directBlocked = true;
        alice.connect(bobId.publicKey(), Octets.of(bobAgreement.publicKey()), "bob", List.of(BOB_AT));
        run(Duration.ofSeconds(5));

        assertThat(aliceEvents).contains(new PeerEvent.Connected(bobRef(), null));
        assertThat(alice.peers()).singleElement().satisfies(view -> {
            assertThat(view.path()).isEqualTo("relay");
            assertThat(view.connected()).isTrue();
        });
        assertThat(alice.links().paths()).isEqualTo(new PathStats(1, 0, 1, 0));

        run(Duration.ofMillis(PeerSession.Timers.DEFAULT.upgradeInterval()));
        assertThat(introductionsWanted).as("tries for a direct path while relayed").contains("alice wants bob");
        directBlocked = false;
        alice.connect(bobId.publicKey(), Octets.of(bobAgreement.publicKey()), "bob", List.of(BOB_AT));
        run(Duration.ofSeconds(1));
        assertThat(alice.peers()).singleElement().satisfies(view -> assertThat(view.path()).isEqualTo("direct"));
        assertThat(aliceEvents).contains(new PeerEvent.PathChanged(bobRef(), BOB_AT));
        assertThat(alice.links().paths()).isEqualTo(new PathStats(2, 1, 1, 0));
    }
}
