package dev.p2pchat.peer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.api.MessageId;
import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.HistoryEntry;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.peer.api.PeerEvent.Connected;
import dev.p2pchat.peer.api.PeerEvent.Delivered;
import dev.p2pchat.peer.api.PeerEvent.Disconnected;
import dev.p2pchat.peer.api.PeerEvent.Failed;
import dev.p2pchat.peer.api.PeerEvent.FriendAccepted;
import dev.p2pchat.peer.api.PeerEvent.FriendDeclined;
import dev.p2pchat.peer.api.PeerEvent.FriendRemoved;
import dev.p2pchat.peer.api.PeerEvent.FriendRequested;
import dev.p2pchat.peer.api.PeerEvent.MessageHeld;
import dev.p2pchat.peer.api.PeerEvent.Lookalike;
import dev.p2pchat.peer.api.PeerEvent.MessageReceived;
import dev.p2pchat.peer.api.PeerEvent.Registered;
import dev.p2pchat.peer.api.PeerEvent.Renamed;
import dev.p2pchat.peer.api.PeerRef;
import dev.p2pchat.peer.api.PeerView;
import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.peer.link.LinkTable;
import dev.p2pchat.protocol.peer.ChatContent;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tracker and three peers on 127.0.0.1, driven through the library as a program embeds it: every chat feature,
 * each asserted on what the receiving side saw.
 */
@Timeout(60)
class PeerChatTest {
    /** Short conversation clocks, so that liveness shows within a second or two. */
    static final PeerSession.Timers FAST = new PeerSession.Timers(200, 3_000, 300, 1_500, 1_000, 5_000, 120_000);
    @TempDir
    Path dataRoot;

    private TestNetwork network;

    /** One running peer and what it saw. */
    record Peer(PeerNode node, EventLog events) {
        String address() {
            return HostPort.format(node.localAddress());
        }
    }

    @BeforeEach
    void createNetwork() {
        network = new TestNetwork(dataRoot);
    }

    private Peer peer(String name) throws Exception {
        return peer(name, builder -> builder);
    }

    private Peer peer(String name, UnaryOperator<PeerConfig.Builder> settings) throws Exception {
        EventLog events = new EventLog();
        PeerNode node = network.start(settings.apply(network.config(name).sessionTimers(FAST)).build(), events);
        if (network.tracker() != null) {
            events.await(Registered.class);
        }
        return new Peer(node, events);
    }

    private static <T> T get(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    private static void awaitConnected(Peer one, Peer other) throws InterruptedException {
        one.events().await(Connected.class, event -> event.peer().name().equals(other.node().name()));
        other.events().await(Connected.class, event -> event.peer().name().equals(one.node().name()));
    }

    private static List<String> texts(Peer peer, String from) {
        return peer.events().all(MessageReceived.class, event -> event.from().name().equals(from)).stream()
                .map(MessageReceived::text).toList();
    }

    @AfterEach
    void stop() throws Exception {
        network.close();
    }

    @Test
    void shouldFindAPeerByNameAndDeliverMessagesBothWaysWithTheirState() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        Peer bob = peer("bob");

        MessageId id = get(alice.node().send("bob", "hello bob"));

        Delivered delivered = alice.events().await(Delivered.class, event -> event.id().equals(id));
        assertThat(delivered.to().name()).isEqualTo("bob");
        MessageReceived received = bob.events().await(MessageReceived.class);
        assertThat(received.text()).isEqualTo("hello bob");
        assertThat(received.broadcast()).isFalse();
        assertThat(received.from()).isEqualTo(new PeerRef("alice", PeerRef.fingerprint(alice.node().identityKey())));
        awaitConnected(alice, bob);

        MessageId reply = get(bob.node().send("alice", "hi alice"));
        alice.events().await(MessageReceived.class, event -> event.text().equals("hi alice"));
        bob.events().await(Delivered.class, event -> event.id().equals(reply));

        assertThat(get(alice.node().history("bob", 50)))
                .extracting(HistoryEntry::outgoing, HistoryEntry::text, HistoryEntry::state)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(true, "hello bob", HistoryEntry.State.DELIVERED),
                        org.assertj.core.groups.Tuple.tuple(false, "hi alice", HistoryEntry.State.RECEIVED));
        assertThat(bob.events().count(MessageReceived.class)).as("shown once").isEqualTo(1);
    }

    @Test
    void shouldKeepEachSendersOrder() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        Peer bob = peer("bob");
        List<String> sent = IntStream.range(0, 200).mapToObj(i -> "message " + i).toList();

        for (String text : sent) {
            get(alice.node().send("bob", text));
        }

        EventLog.until("all 200 delivered", () -> alice.events().count(Delivered.class) == 200);
        EventLog.until("all 200 received", () -> texts(bob, "alice").size() == 200);
        assertThat(texts(bob, "alice")).containsExactlyElementsOf(sent);
    }

    @Test
    void shouldBroadcastToEveryConnectedPeer() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        Peer bob = peer("bob");
        Peer carol = peer("carol");
        get(alice.node().connect("bob"));
        get(alice.node().connect("carol"));
        awaitConnected(alice, bob);
        awaitConnected(alice, carol);

        List<MessageId> ids = get(alice.node().broadcast("hello all"));

        assertThat(ids).hasSize(2);
        for (Peer receiver : List.of(bob, carol)) {
            MessageReceived received = receiver.events().await(MessageReceived.class);
            assertThat(received.text()).isEqualTo("hello all");
            assertThat(received.broadcast()).isTrue();
            assertThat(received.from().name()).isEqualTo("alice");
        }
        EventLog.until("both copies acknowledged", () -> alice.events().all(Delivered.class).stream()
                .map(Delivered::id).toList().containsAll(ids));
    }

    @Test
    void shouldAnswerAPeerThatWroteWithoutATracker() throws Exception {
        Peer bob = peer("bob");
        Peer alice = peer("alice", builder -> builder.bootstrap(List.of(bob.node().localAddress())));
        awaitConnected(alice, bob);

        get(alice.node().send("bob", "are you there?"));
        bob.events().await(MessageReceived.class, event -> event.text().equals("are you there?"));
        get(bob.node().disconnect("alice"));
        alice.events().await(Disconnected.class);

        MessageId id = get(bob.node().send("alice", "yes, from your last address"));

        alice.events().await(MessageReceived.class, event -> event.text().equals("yes, from your last address"));
        bob.events().await(Delivered.class, event -> event.id().equals(id));
    }

    @Test
    void shouldTellConnectedPeersAboutARenameAndReachThemUnderTheNewName() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        Peer bob = peer("bob");
        get(alice.node().connect("bob"));
        awaitConnected(alice, bob);

        get(alice.node().rename("alicia"));

        Renamed renamed = bob.events().await(Renamed.class);
        assertThat(renamed.oldName()).isEqualTo("alice");
        assertThat(renamed.peer().name()).isEqualTo("alicia");
        assertThat(alice.node().name()).isEqualTo("alicia");
        get(bob.node().send("alicia", "nice name"));
        alice.events().await(MessageReceived.class, event -> event.text().equals("nice name"));
        assertThat(get(bob.node().lookup("alicia")).identityKey()).isEqualTo(alice.node().identityKey());
    }

    @Test
    void shouldRefuseARenameToANameAnotherKeyHolds() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        peer("bob");

        assertThatThrownBy(() -> get(alice.node().rename("bob"))).hasMessageContaining("NAME_TAKEN");
        assertThatThrownBy(() -> get(alice.node().rename("Not A Name"))).hasCauseInstanceOf(ChatException.class);
        assertThat(alice.node().name()).isEqualTo("alice");
    }

    /**
     * A stranger whose handshake says "alice" was shown as {@code <alice>} like the real alice (a friend), won
     * {@code /msg alice}, and with both online neither a message nor a block by name reached the real one. A contact
     * is its key now: the friend's name goes to the friend, the stranger is shown marked, and a fingerprint names it.
     */
    @Test
    void shouldKeepAFriendsNameForTheFriendAndMarkAStrangerWhoUsesIt() throws Exception {
        Peer carol = peer("carol");
        Peer alice = peer("alice", builder -> builder.bootstrap(List.of(carol.node().localAddress())));
        awaitConnected(alice, carol);
        get(alice.node().requestFriend("carol", ""));
        carol.events().await(FriendRequested.class);
        get(carol.node().acceptFriend("alice"));
        alice.events().await(FriendAccepted.class);

        EventLog malloryEvents = new EventLog();
        PeerNode mallory = network.start(network.config("alice", "mallory").sessionTimers(FAST)
                .bootstrap(List.of(carol.node().localAddress())).build(), malloryEvents);
        String malloryPrint = PeerRef.fingerprint(mallory.identityKey());
        Lookalike warned = carol.events().await(Lookalike.class);
        assertThat(warned.peer().fingerprint()).isEqualTo(malloryPrint);
        assertThat(warned.friends()).extracting(PeerRef::fingerprint)
                .containsExactly(PeerRef.fingerprint(alice.node().identityKey()));
        get(mallory.send("carol", "it is me, alice"));

        MessageReceived fromMallory = carol.events().await(MessageReceived.class,
                event -> event.text().equals("it is me, alice"));
        assertThat(fromMallory.from().lookalike()).isTrue();
        assertThat(fromMallory.from().label()).isEqualTo("alice [" + malloryPrint + "] (not your friend alice)");

        MessageId id = get(carol.node().send("alice", "for the real alice"));
        carol.events().await(Delivered.class, event -> event.id().equals(id));
        assertThat(alice.events().await(MessageReceived.class,
                event -> event.text().equals("for the real alice")).from().lookalike()).isFalse();
        assertThatThrownBy(() -> get(carol.node().block("alice"))).as("a block by a shared name hits nobody")
                .hasMessageContaining("could be any of 2 peers");
        get(carol.node().block(malloryPrint));
        malloryEvents.await(Disconnected.class);

        assertThat(malloryEvents.all(MessageReceived.class)).as("the stranger got nothing meant for alice")
                .isEmpty();
        assertThat(friendState(carol, PeerRef.fingerprint(alice.node().identityKey())))
                .isEqualTo(FriendState.FRIEND);
        assertThat(friendState(carol, malloryPrint)).isEqualTo(FriendState.BLOCKED);
        assertThat(friendState(carol, "alice")).as("the name is the friend's").isEqualTo(FriendState.FRIEND);
    }

    @Test
    void shouldRefuseANameTwoStrangersShareWithTheirFingerprintsAndShowTheSameSafetyNumberOnBothSides()
            throws Exception {
        Peer carol = peer("carol");
        Peer dave = peer("dave", builder -> builder.bootstrap(List.of(carol.node().localAddress())));
        EventLog otherEvents = new EventLog();
        PeerNode otherDave = network.start(network.config("dave", "other-dave").sessionTimers(FAST)
                .bootstrap(List.of(carol.node().localAddress())).build(), otherEvents);
        EventLog.until("both daves connected", () -> carol.events().count(Connected.class) == 2);

        assertThatThrownBy(() -> get(carol.node().send("dave", "which one?")))
                .hasMessageContaining("could be any of 2 peers")
                .hasMessageContaining(PeerRef.fingerprint(dave.node().identityKey()))
                .hasMessageContaining(PeerRef.fingerprint(otherDave.identityKey()));

        String daveAtCarol = get(carol.node().safetyNumber(PeerRef.fingerprint(dave.node().identityKey())))
                .digits();
        String carolAtDave = get(dave.node().safetyNumber("carol")).digits();
        assertThat(daveAtCarol).isEqualTo(carolAtDave).matches("\\d{5}( \\d{5}){5}");
        assertThat(get(carol.node().safetyNumber(PeerRef.fingerprint(otherDave.identityKey()))).digits())
                .isNotEqualTo(daveAtCarol);
        get(carol.node().verify(PeerRef.fingerprint(dave.node().identityKey())));
        assertThat(get(carol.node().peers())).filteredOn(PeerView::verified)
                .extracting(view -> view.peer().fingerprint())
                .containsExactly(PeerRef.fingerprint(dave.node().identityKey()));
    }

    @Test
    void shouldMakeFriendsDeclineRemoveAndKeepThemAcrossARestart() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        Peer bob = peer("bob");
        Peer carol = peer("carol");

        get(alice.node().requestFriend("bob", "remember me?"));
        FriendRequested request = bob.events().await(FriendRequested.class);
        assertThat(request.from().name()).isEqualTo("alice");
        assertThat(request.note()).isEqualTo("remember me?");
        get(bob.node().acceptFriend("alice"));
        alice.events().await(FriendAccepted.class, event -> event.by().name().equals("bob"));
        assertThat(friendState(alice, "bob")).isEqualTo(FriendState.FRIEND);
        assertThat(friendState(bob, "alice")).isEqualTo(FriendState.FRIEND);

        get(carol.node().requestFriend("alice", ""));
        alice.events().await(FriendRequested.class, event -> event.from().name().equals("carol"));
        get(alice.node().declineFriend("carol"));
        carol.events().await(FriendDeclined.class);
        assertThat(friendState(carol, "alice")).isEqualTo(FriendState.NONE);

        get(alice.node().block("carol"));
        alice.node().close();
        Peer again = peer("alice");
        assertThat(friendState(again, "bob")).as("friends survive a restart").isEqualTo(FriendState.FRIEND);
        assertThat(friendState(again, "carol")).as("blocks survive a restart").isEqualTo(FriendState.BLOCKED);

        get(bob.node().removeFriend("alice"));
        again.events().await(FriendRemoved.class, event -> event.by().name().equals("bob"));
        assertThat(friendState(again, "bob")).isEqualTo(FriendState.NONE);
    }

    @Test
    void shouldHoldStrangersMessagesInFriendsOnlyModeUntilTheyAreFriends() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice", builder -> builder.friendsOnly(true));
        Peer bob = peer("bob");

        MessageId id = get(bob.node().send("alice", "let me in"));
        bob.events().await(Delivered.class, event -> event.id().equals(id));
        MessageHeld held = alice.events().await(MessageHeld.class);
        assertThat(held.text()).isEqualTo("let me in");
        assertThat(alice.events().count(MessageReceived.class)).as("not shown").isZero();

        get(bob.node().requestFriend("alice", "please"));
        alice.events().await(FriendRequested.class);
        get(alice.node().acceptFriend("bob"));

        assertThat(alice.events().await(MessageReceived.class).text()).isEqualTo("let me in");
        get(bob.node().send("alice", "now as a friend"));
        alice.events().await(MessageReceived.class, event -> event.text().equals("now as a friend"));
    }

    @Test
    void shouldIgnoreABlockedPeerEntirely() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        Peer bob = peer("bob");
        get(bob.node().send("alice", "first"));
        alice.events().await(MessageReceived.class);

        get(alice.node().block("bob"));
        bob.events().await(Disconnected.class);
        MessageId id = get(bob.node().send("alice", "let me back"));

        // Alice drops bob's handshakes unanswered; his message waits, it is neither shown to her nor failed.
        EventLog.until("bob's handshake ignored", () -> alice.node().droppedDatagrams(LinkTable.Drop.BLOCKED) > 0);
        assertThat(get(bob.node().queued())).extracting(HistoryEntry::id).containsExactly(id);
        assertThat(texts(alice, "bob")).containsExactly("first");
        assertThat(bob.events().count(Failed.class)).isZero();
        assertThatThrownBy(() -> get(alice.node().send("bob", "hi"))).hasMessageContaining("blocked");

        get(alice.node().unblock("bob"));
        get(alice.node().send("bob", "sorry"));
        bob.events().await(MessageReceived.class, event -> event.text().equals("sorry"));
        bob.events().await(Delivered.class, event -> event.id().equals(id));
        assertThat(texts(alice, "bob")).containsExactly("first", "let me back");
    }

    @Test
    void shouldListKnownPeersWithTheirState() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        Peer bob = peer("bob");
        get(alice.node().send("bob", "ping"));
        alice.events().await(Delivered.class);
        get(alice.node().requestFriend("bob", ""));

        EventLog.until("a round trip measured", () -> rtt(alice, "bob") >= 0);
        PeerView view = get(alice.node().peers()).get(0);

        assertThat(view.peer()).isEqualTo(new PeerRef("bob", PeerRef.fingerprint(bob.node().identityKey())));
        assertThat(view.address()).isEqualTo(bob.node().localAddress());
        assertThat(view.path()).isEqualTo("direct");
        assertThat(view.lastSeen()).isNotNull();
        assertThat(view.friend()).isEqualTo(FriendState.REQUEST_SENT);
        assertThat(view.connected()).isTrue();
    }

    @Test
    void shouldTellBothSidesWhenAPeerSaysGoodbyeOrVanishes() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        Peer bob = peer("bob");
        Peer carol = peer("carol");
        get(alice.node().connect("bob"));
        get(alice.node().connect("carol"));
        awaitConnected(alice, bob);
        awaitConnected(alice, carol);

        bob.node().close();
        assertThat(alice.events().await(Disconnected.class, event -> event.peer().name().equals("bob")).reason())
                .isEqualTo("said goodbye");

        carol.node().channel().close().sync(); // a crash: no goodbye
        assertThat(alice.events().await(Disconnected.class, event -> event.peer().name().equals("carol")).reason())
                .startsWith("unreachable");
        assertThat(get(alice.node().peers())).filteredOn(PeerView::connected).isEmpty();
    }

    @Test
    void shouldSeeAKilledPeerGoAndComeBack() throws Exception {
        Peer bob = peer("bob");
        Peer alice = peer("alice", builder -> builder.bootstrap(List.of(bob.node().localAddress())));
        awaitConnected(alice, bob);
        int port = alice.node().localAddress().getPort();

        alice.node().channel().close().sync();
        alice.node().close();
        bob.events().await(Disconnected.class, event -> event.peer().name().equals("alice"));
        Peer restarted = peer("alice", builder -> builder.bind("127.0.0.1", port)
                .bootstrap(List.of(bob.node().localAddress())));

        EventLog.until("bob sees alice come back",
                () -> bob.events().all(Connected.class, event -> event.peer().name().equals("alice")).size() == 2);
        get(bob.node().send("alice", "welcome back"));
        restarted.events().await(MessageReceived.class, event -> event.text().equals("welcome back"));
    }

    @Test
    void shouldStartANewConversationWhenAPeerRestartsBeforeItWasMissed() throws Exception {
        Peer bob = peer("bob", builder -> builder.sessionTimers(PeerSession.Timers.DEFAULT));
        Peer alice = peer("alice", builder -> builder.bootstrap(List.of(bob.node().localAddress())));
        awaitConnected(alice, bob);
        get(alice.node().send("bob", "before"));
        bob.events().await(MessageReceived.class);
        alice.node().channel().close().sync();
        alice.node().close();

        Peer restarted = peer("alice", builder -> builder.bootstrap(List.of(bob.node().localAddress())));

        assertThat(bob.events().await(Disconnected.class).reason()).isEqualTo("the peer restarted");
        EventLog.until("connected again",
                () -> bob.events().all(Connected.class, event -> event.peer().name().equals("alice")).size() == 2);
        get(restarted.node().send("bob", "after"));
        EventLog.until("the new conversation delivers", () -> texts(bob, "alice").size() == 2);
        assertThat(texts(bob, "alice")).containsExactly("before", "after");
    }

    /**
     * A restarted tracker is noticed at once: peers took 33-39 s to register again (the keepalive's retries backed
     * off to 16 s before the peer looked for the tracker anew, every 30 s), and a lookup typed meanwhile failed.
     */
    @Test
    void shouldRegisterAgainWithinTwoSecondsOfTheTrackerAnsweringAndCarryOutALookupTypedWhileItWasAway()
            throws Exception {
        network.startTracker(0);
        // The production retry timer, not the quick one of the other tests.
        UnaryOperator<PeerConfig.Builder> production = builder -> builder.timers(Duration.ofMillis(20),
                Duration.ofSeconds(1));
        Peer alice = peer("alice", production);
        Peer bob = peer("bob", production);

        network.stopTracker();
        Thread.sleep(TestNetwork.KEEPALIVE.toMillis() + 8_000); // the keepalives go unanswered
        CompletableFuture<PeerLocation> lookup = alice.node().lookup("bob");
        Thread.sleep(1_000);
        assertThat(lookup).as("waiting for the tracker, not failed").isNotDone();
        network.startTracker(network.trackerPort());
        long restarted = System.nanoTime();

        EventLog.until("both registered again", () -> alice.events().count(Registered.class) == 2
                && bob.events().count(Registered.class) == 2);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
        assertThat(millis).as("milliseconds to register again").isLessThan(2_000);
        assertThat(lookup.get(10, TimeUnit.SECONDS).identityKey()).isEqualTo(bob.node().identityKey());
    }

    @Test
    void shouldLoseNothingWhileTheTrackerRestartsAndRegisterAgainWithinTwoKeepalives() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        Peer bob = peer("bob");
        get(alice.node().connect("bob"));
        awaitConnected(alice, bob);

        network.stopTracker();
        List<String> sent = IntStream.range(0, 50).mapToObj(i -> "during restart " + i).toList();
        for (String text : sent.subList(0, 25)) {
            get(alice.node().send("bob", text));
        }
        network.startTracker(network.trackerPort());
        long restarted = System.nanoTime();
        for (String text : sent.subList(25, 50)) {
            get(alice.node().send("bob", text));
        }

        EventLog.until("both registered again", () -> alice.events().count(Registered.class) == 2
                && bob.events().count(Registered.class) == 2);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
        assertThat(millis).as("milliseconds to register again").isLessThan(2 * TestNetwork.KEEPALIVE.toMillis());
        EventLog.until("all delivered", () -> texts(bob, "alice").size() == 50);
        assertThat(texts(bob, "alice")).containsExactlyElementsOf(sent);
        assertThat(alice.events().count(Disconnected.class)).isZero();
    }

    @Test
    void shouldRefuseBadRequestsClearlyAndChangeNothing() throws Exception {
        network.startTracker(0);
        Peer alice = peer("alice");
        peer("bob");

        assertThatThrownBy(() -> get(alice.node().send("zed", "hi")))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ChatException.class)
                .hasMessageContaining("no peer named zed is registered");
        assertThatThrownBy(() -> get(alice.node().send("bob", "x".repeat(ChatContent.MAX_TEXT_SIZE + 1))))
                .hasMessageContaining("the limit is 65512");
        assertThatThrownBy(() -> get(alice.node().connect("127.0.0.1:99999"))).hasMessageContaining("1 to 65535");
        assertThatThrownBy(() -> get(alice.node().connect("no-such-host.invalid:7070")))
                .hasMessageContaining("unknown host");
        assertThatThrownBy(() -> get(alice.node().acceptFriend("bob"))).hasMessageContaining("has not asked");
        assertThatThrownBy(() -> get(alice.node().disconnect("carol"))).hasMessageContaining("no peer named carol");

        assertThat(alice.events().count(Failed.class)).isZero();
        assertThat(get(alice.node().history("bob", 50))).isEmpty();
        MessageId id = get(alice.node().send("bob", "x".repeat(ChatContent.MAX_TEXT_SIZE)));
        alice.events().await(Delivered.class, event -> event.id().equals(id));
    }

    @Test
    void shouldFailAMessageToAPeerThatNeverAnswers() throws Exception {
        Peer alice = peer("alice");
        try (var silent = new java.net.DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            get(alice.node().connect(HostPort.format((InetSocketAddress) silent.getLocalSocketAddress())));

            var failed = alice.events().await(dev.p2pchat.peer.api.PeerEvent.ConnectFailed.class);
            assertThat(failed.reason()).contains("no answer to the handshake");
        }
        assertThat(Files.exists(dataRoot.resolve("alice").resolve("identity.key"))).isTrue();
    }

    @Test
    void shouldRefuseASecondPeerOnTheSameDataDirectoryUntilTheFirstStops() throws Exception {
        Peer alice = peer("alice");
        PeerConfig twin = PeerConfig.builder("alice", dataRoot.resolve("alice")).bind("127.0.0.1", 0).build();

        assertThatThrownBy(() -> PeerNode.start(twin, event -> { }))
                .isInstanceOf(java.io.IOException.class).hasMessageContaining("in use by another running peer");

        alice.node().close();
        try (PeerNode again = PeerNode.start(twin, event -> { })) {
            assertThat(again.identityKey()).isEqualTo(alice.node().identityKey());
        }
    }

    /** Where {@code peer} stands with the peer of that fingerprint, or of that name (not a lookalike of it). */
    private static FriendState friendState(Peer peer, String nameOrFingerprint) throws Exception {
        return get(peer.node().peers()).stream().filter(view -> view.peer().fingerprint().equals(nameOrFingerprint)
                || view.peer().name().equals(nameOrFingerprint) && !view.peer().lookalike()).findFirst()
                .orElseThrow().friend();
    }

    private static long rtt(Peer peer, String name) {
        try {
            return get(peer.node().peers()).stream().filter(view -> view.peer().name().equals(name)).findFirst()
                    .map(PeerView::rttMillis).orElse(-1L);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
