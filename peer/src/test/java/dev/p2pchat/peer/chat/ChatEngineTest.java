package dev.p2pchat.peer.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.HistoryEntry;
import dev.p2pchat.peer.api.MessageId;
import dev.p2pchat.peer.api.PathStats;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.PeerRef;
import dev.p2pchat.peer.link.LinkTable;
import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.ContentKind;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chat on top of real conversations: two engines wired through an in-memory network, on a fake clock. */
class ChatEngineTest {
    private static final InetSocketAddress BOB_AT = new InetSocketAddress("127.0.0.1", 1002);
    private static final InetSocketAddress ALICE_AT = new InetSocketAddress("127.0.0.1", 1001);

    private final ChatNet net = new ChatNet();
    private final ChatNet.Node aliceNode;
    private final ChatNet.Node bobNode;
    private final ChatEngine alice;
    private final ChatEngine bob;
    private final List<PeerEvent> aliceEvents;
    private final List<PeerEvent> bobEvents;
    private final List<String> introductionsWanted;
    private final Identity aliceId;
    private final Identity bobId;
    private final X25519.KeyPair bobAgreement;

    ChatEngineTest(@TempDir Path directory) {
        aliceNode = net.add("alice", 1, directory.resolve("alice")).start();
        bobNode = net.add("bob", 2, directory.resolve("bob")).start();
        alice = aliceNode.engine;
        bob = bobNode.engine;
        aliceEvents = aliceNode.events;
        bobEvents = bobNode.events;
        introductionsWanted = aliceNode.introductionsWanted;
        aliceId = aliceNode.identity;
        bobId = bobNode.identity;
        bobAgreement = bobNode.agreement;
    }

    @AfterEach
    void closeStores() {
        net.close();
    }

    private void run(Duration duration) {
        net.run(duration);
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
        Instant written = net.clock.instant();
        CompletableFuture<MessageId> queued = alice.queueText(bobId.publicKey(), "hi");
        run(Duration.ofSeconds(1));
        MessageId id = queued.join();

        assertThat(aliceEvents).filteredOn(PeerEvent.Connected.class::isInstance).hasSize(1);
        assertThat(bobEvents).filteredOn(PeerEvent.MessageReceived.class::isInstance).singleElement()
                .isEqualTo(new PeerEvent.MessageReceived(aliceRef(), id, written, "hi", false));
        assertThat(aliceEvents).containsSubsequence(new PeerEvent.Sent(bobRef(), id),
                new PeerEvent.Delivered(bobRef(), id));
        CompletableFuture<List<HistoryEntry>> history = alice.history(bobId.publicKey(), 10);
        run(Duration.ofMillis(100));
        assertThat(history.join()).singleElement().satisfies(entry -> {
            assertThat(entry.text()).isEqualTo("hi");
            assertThat(entry.state()).isEqualTo(HistoryEntry.State.DELIVERED);
        });
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
        net.relayAvailable = true;
        net.directBlocked = true;
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
        net.directBlocked = false;
        alice.connect(bobId.publicKey(), Octets.of(bobAgreement.publicKey()), "bob", List.of(BOB_AT));
        run(Duration.ofSeconds(1));
        assertThat(alice.peers()).singleElement().satisfies(view -> assertThat(view.path()).isEqualTo("direct"));
        assertThat(aliceEvents).contains(new PeerEvent.PathChanged(bobRef(), BOB_AT));
        assertThat(alice.links().paths()).isEqualTo(new PathStats(2, 1, 1, 0));
    }
}
