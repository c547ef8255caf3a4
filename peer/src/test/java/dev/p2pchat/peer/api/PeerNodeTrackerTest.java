package dev.p2pchat.peer.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.api.HistoryEntry;
import dev.p2pchat.peer.api.MessageId;
import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.PeerEvent.ConnectFailed;
import dev.p2pchat.peer.api.PeerEvent.Connected;
import dev.p2pchat.peer.api.PeerEvent.Delivered;
import dev.p2pchat.peer.api.PeerEvent.Disconnected;
import dev.p2pchat.peer.api.PeerEvent.Failed;
import dev.p2pchat.peer.api.PeerEvent.Introduced;
import dev.p2pchat.peer.api.PeerEvent.MessageReceived;
import dev.p2pchat.peer.api.PeerEvent.PathChanged;
import dev.p2pchat.peer.api.PeerEvent.Registered;
import dev.p2pchat.peer.api.PeerEvent.RegistrationRefused;
import dev.p2pchat.peer.api.PeerEvent.TrackerPinned;
import dev.p2pchat.peer.api.PeerEvent.TrackerUntrusted;
import dev.p2pchat.peer.directory.TrackerPins;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.tracker.PeerInfo;
import dev.p2pchat.protocol.tracker.TrackerCodec;
import dev.p2pchat.protocol.tracker.TrackerMessage.Introduction;
import dev.p2pchat.tracker.TrackerConfig;
import io.netty.buffer.Unpooled;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import dev.p2pchat.peer.api.PeerView;
import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.protocol.tracker.ErrorCode;
import dev.p2pchat.tracker.metrics.DropReason;
import dev.p2pchat.tracker.relay.RelayLimits;
import dev.p2pchat.tracker.server.TrackerServer;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Peers and a real tracker on 127.0.0.1, as the peer library's users run them. */
@Timeout(60)
class PeerNodeTrackerTest {
    @TempDir
    Path dataRoot;

    private TestNetwork network;
    private TrackerServer tracker;

    @BeforeEach
    void startTracker() throws Exception {
        network = new TestNetwork(dataRoot);
        tracker = network.startTracker(0);
    }

    private PeerNode peer(String name, EventLog events) throws Exception {
        return network.start(name, events);
    }

    @AfterEach
    void stop() {
        network.close();
    }

    @Test
    void shouldRegisterLookUpIntroduceListAndRename() throws Exception {
        EventLog aliceEvents = new EventLog();
        EventLog bobEvents = new EventLog();
        PeerNode alice = peer("alice", aliceEvents);
        PeerNode bob = peer("bob", bobEvents);
        EventLog.until("both registered",
                () -> aliceEvents.count(Registered.class) == 1 && bobEvents.count(Registered.class) == 1);

        PeerLocation found = alice.lookup("bob").get(5, TimeUnit.SECONDS);
        assertThat(found.identityKey()).isEqualTo(bob.identityKey());
        assertThat(found.observed()).isEqualTo(bob.localAddress());
        bobEvents.await(Introduced.class, event -> event.peer().name().equals("alice"));

        DirectoryPage page = bob.who(0).get(5, TimeUnit.SECONDS);
        assertThat(page.entries()).extracting(DirectoryPage.Entry::name).containsExactlyInAnyOrder("alice", "bob");

        alice.rename("alicia").get(5, TimeUnit.SECONDS);
        assertThat(bob.lookup("alicia").get(5, TimeUnit.SECONDS).identityKey()).isEqualTo(alice.identityKey());
        assertThatThrownBy(() -> bob.lookup("alice").get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ChatException.class)
                .hasMessageContaining("no peer named alice is registered");
    }

    @Test
    void shouldUnregisterOnCloseSoOthersStopFindingIt() throws Exception {
        EventLog events = new EventLog();
        PeerNode alice = peer("alice", events);
        PeerNode bob = peer("bob", new EventLog());
        EventLog.until("alice registered", () -> events.count(Registered.class) == 1);
        EventLog.until("bob registered", () -> tracker.metrics().registered() == 2);

        alice.close();

        EventLog.until("alice gone", () -> tracker.metrics().registered() == 1);
        assertThatThrownBy(() -> bob.lookup("alice").get(5, TimeUnit.SECONDS))
                .hasMessageContaining("no peer named alice is registered");
    }

    @Test
    void shouldRegisterAgainWithinTwoKeepaliveIntervalsAfterTheTrackerRestarts() throws Exception {
        int port = network.trackerPort();
        EventLog aliceEvents = new EventLog();
        EventLog bobEvents = new EventLog();
        peer("alice", aliceEvents);
        peer("bob", bobEvents);
        EventLog.until("both registered", () -> tracker.metrics().registered() == 2);

        network.stopTracker();
        tracker = network.startTracker(port); // a new tracker with empty state and a new cookie secret
        long restarted = System.nanoTime();

        EventLog.until("both registered again",
                () -> aliceEvents.count(Registered.class) == 2 && bobEvents.count(Registered.class) == 2);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
        assertThat(millis).as("milliseconds to re-register").isLessThan(2 * TestNetwork.KEEPALIVE.toMillis());
        assertThat(tracker.metrics().registered()).isEqualTo(2);
    }

    /**
     * A forger who sends from the tracker's address (spoofing it) with an INTRODUCTION naming addresses of its choice
     * made the peer send handshakes there. Now nothing it sends is acted on: it is not sealed in the session.
     */
    @Test
    void shouldSendNothingForAnIntroductionForgedFromTheTrackersAddress() throws Exception {
        EventLog events = new EventLog();
        PeerNode alice = peer("alice", events);
        EventLog.until("alice registered", () -> events.count(Registered.class) == 1);
        try (DatagramSocket victim = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress target = (InetSocketAddress) victim.getLocalSocketAddress();
            PeerInfo forged = new PeerInfo("mallory", Octets.fromHex("07".repeat(32)),
                    Octets.of(X25519.generate(new SecureRandom()).publicKey()), 0, target, List.of());
            byte[] datagram = TrackerCodec.encode(new Introduction(forged));
            InetSocketAddress trackerAddress = new InetSocketAddress("127.0.0.1", network.trackerPort());
            alice.channel().eventLoop().execute(() -> alice.channel().pipeline().fireChannelRead(
                    new io.netty.channel.socket.DatagramPacket(Unpooled.wrappedBuffer(datagram), alice.localAddress(),
                            trackerAddress)));

            victim.setSoTimeout(2_000);
            assertThatThrownBy(() -> victim.receive(new DatagramPacket(new byte[1500], 1500)))
                    .as("the forged introduction's address got nothing").isInstanceOf(SocketTimeoutException.class);
        }
        assertThat(alice.refusedTrackerDatagrams()).isEqualTo(1);
        assertThat(events.count(Introduced.class)).isZero();
        assertThat(events.count(Registered.class)).as("still registered, once").isEqualTo(1);
    }

    @Test
    void shouldPinTheTrackersKeyOnFirstContactAndRefuseATrackerWithAnotherKeyThere() throws Exception {
        int port = network.trackerPort();
        EventLog events = new EventLog();
        peer("alice", events);
        EventLog.until("alice registered", () -> events.count(Registered.class) == 1);
        Octets key = tracker.publicKey();
        EventLog.until("pinned", () -> events.count(TrackerPinned.class) == 1);
        EventLog.until("pin written", () -> Files.exists(dataRoot.resolve("alice").resolve(TrackerPins.FILE_NAME)));
        assertThat(TrackerPins.load(dataRoot.resolve("alice")).pinned("127.0.0.1:" + port)).isEqualTo(key);
        assertThat(Files.getPosixFilePermissions(dataRoot.resolve("alice"))).as("the data directory")
                .isEqualTo(PosixFilePermissions.fromString("rwx------"));
        for (String file : List.of(TrackerPins.FILE_NAME, "identity.key", "agreement.key")) {
            assertThat(Files.getPosixFilePermissions(dataRoot.resolve("alice").resolve(file))).as(file)
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        }

        network.stopTracker();
        try (TrackerServer impostor = new TrackerServer(TrackerConfig.builder().bindAddress("127.0.0.1").port(port)
                .lease(Duration.ofSeconds(10)).keepalive(TestNetwork.KEEPALIVE)
                .dataDirectory(dataRoot.resolve("impostor-data")).build())) {
            impostor.start();
            EventLog.until("told the tracker is not trusted", () -> events.count(TrackerUntrusted.class) == 1);
            assertThat(impostor.metrics().registered()).as("nothing registered with the impostor").isZero();
            assertThat(events.count(Registered.class)).isEqualTo(1);
        }
    }

    @Test
    void shouldRegisterOnlyWithTheTrackerKeyItWasGiven() throws Exception {
        EventLog events = new EventLog();
        network.start(network.config("alice").trackerKey(Octets.of(X25519.generate(new SecureRandom()).publicKey()))
                .build(), events);

        EventLog.until("told the tracker is not trusted", () -> events.count(TrackerUntrusted.class) == 1);
        assertThat(tracker.metrics().registered()).isZero();

        EventLog bobEvents = new EventLog();
        network.start(network.config("bob").trackerKey(tracker.publicKey()).build(), bobEvents);
        EventLog.until("bob registered with the tracker he was told to trust",
                () -> bobEvents.count(Registered.class) == 1);
        assertThat(bobEvents.count(TrackerPinned.class)).as("nothing to pin: the key was given").isZero();
    }

    @Test
    void shouldDropAndCountGarbageWithoutLosingItsRegistration() throws Exception {
        EventLog events = new EventLog();
        PeerNode alice = peer("alice", events);
        EventLog.until("alice registered", () -> events.count(Registered.class) == 1);

        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (byte[] garbage : List.of(new byte[0], new byte[] {0x50, 0x32, 1}, new byte[] {1, 2, 3, 4, 5},
                    new byte[1500])) {
                attacker.send(new DatagramPacket(garbage, garbage.length, alice.localAddress()));
            }
        }

        EventLog.until("four drops counted", () -> alice.malformedDatagrams() == 4);
        assertThat(alice.lookup("alice").get(5, TimeUnit.SECONDS).identityKey()).isEqualTo(alice.identityKey());
    }

    // ---- the relay ----

    /**
     * Short conversation clocks: an initiation every 200 ms, through the relay after 1 s of punching, giving up after 3 s; a
     * relayed conversation tries for a direct path every 5 s.
     */
    private static final PeerSession.Timers RELAY_TIMERS =
            new PeerSession.Timers(200, 3_000, 300, 1_500, 1_000, 5_000, 120_000);

    private PeerNode relayPeer(String name, EventLog events) throws Exception {
        return network.start(network.config(name).sessionTimers(RELAY_TIMERS).build(), events);
    }

    /** Drops on both receive paths whatever the two peers send each other directly; the tracker's datagrams pass. */
    private static DirectPathBlock[] blockDirectPath(PeerNode alice, PeerNode bob) throws Exception {
        DirectPathBlock atAlice = new DirectPathBlock(bob.localAddress());
        DirectPathBlock atBob = new DirectPathBlock(alice.localAddress());
        inFront(alice, DirectPathBlock.NAME, atAlice);
        inFront(bob, DirectPathBlock.NAME, atBob);
        return new DirectPathBlock[] {atAlice, atBob};
    }

    @Test
    void shouldRelayWhenNoDirectPathFormsThenMoveToADirectOneOnceItOpens() throws Exception {
        EventLog aliceEvents = new EventLog();
        EventLog bobEvents = new EventLog();
        PeerNode alice = relayPeer("alice", aliceEvents);
        PeerNode bob = relayPeer("bob", bobEvents);
        DirectPathBlock[] blocks = blockDirectPath(alice, bob);
        EventLog.until("both registered",
                () -> aliceEvents.count(Registered.class) == 1 && bobEvents.count(Registered.class) == 1);

        MessageId id = alice.send("bob", "through the relay").get(5, TimeUnit.SECONDS);

        aliceEvents.await(Delivered.class, event -> event.id().equals(id));
        bobEvents.await(MessageReceived.class, event -> event.text().equals("through the relay"));
        assertThat(aliceEvents.await(Connected.class, event -> event.peer().name().equals("bob")).address())
                .as("alice reaches bob through the relay").isNull();
        assertThat(bobEvents.await(Connected.class, event -> event.peer().name().equals("alice")).address())
                .as("bob reaches alice through the relay").isNull();
        assertThat(onlyPeer(alice).path()).isEqualTo("relay");
        assertThat(onlyPeer(bob).path()).isEqualTo("relay");
        assertThat(tracker.metrics().relayedDatagrams()).as("datagrams the tracker relayed").isPositive();
        PathStats relayed = alice.paths().get(5, TimeUnit.SECONDS);
        assertThat(relayed.attempts()).isPositive();
        assertThat(relayed.relayed()).isEqualTo(1);
        assertThat(relayed.direct()).isZero();
        assertThat(relayed.failed()).isZero();
        PathStats bobRelayed = bob.paths().get(5, TimeUnit.SECONDS);
        assertThat(bobRelayed.relayed()).isEqualTo(1);
        assertThat(blocks[0].dropped()).as("bob's direct datagrams dropped at alice").isPositive();
        assertThat(blocks[1].dropped()).as("alice's direct datagrams dropped at bob").isPositive();
        assertThat(aliceEvents.all(PathChanged.class)).isEmpty();

        // The direct path opens: the next try for one (at most an upgrade interval away) takes the conversation.
        blocks[0].stop();
        blocks[1].stop();
        long opened = System.nanoTime();
        EventLog.until("both sides direct", RELAY_TIMERS.upgradeInterval() / 1000 + 2,
                () -> !aliceEvents.all(PathChanged.class).isEmpty() && !bobEvents.all(PathChanged.class).isEmpty());
        long upgradeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
        assertThat(aliceEvents.all(PathChanged.class)).as("alice's path events")
                .singleElement().satisfies(event -> {
                    assertThat(event.peer().name()).isEqualTo("bob");
                    assertThat(event.address()).isEqualTo(bob.localAddress());
                });
        assertThat(bobEvents.all(PathChanged.class)).as("bob's path events")
                .singleElement().satisfies(event -> {
                    assertThat(event.peer().name()).isEqualTo("alice");
                    assertThat(event.address()).isEqualTo(alice.localAddress());
                });
        assertThat(onlyPeer(alice)).satisfies(view -> {
            assertThat(view.path()).isEqualTo("direct");
            assertThat(view.address()).isEqualTo(bob.localAddress());
        });
        assertThat(onlyPeer(bob)).satisfies(view -> {
            assertThat(view.path()).isEqualTo("direct");
            assertThat(view.address()).isEqualTo(alice.localAddress());
        });
        PathStats upgraded = alice.paths().get(5, TimeUnit.SECONDS);
        assertThat(upgraded.direct()).as("ended direct, after " + upgradeMillis + " ms").isEqualTo(1);
        assertThat(upgraded.relayed()).isEqualTo(1);
        PathStats bobUpgraded = bob.paths().get(5, TimeUnit.SECONDS);
        assertThat(bobUpgraded.direct()).isEqualTo(1);
        assertThat(bobUpgraded.relayed()).isEqualTo(1);
        // Only a probe sends directly while relayed, so one side probed: a round of probes is an attempt. Which side
        // did depends on whose introduction came first (the other may be moved by the probe before it probes).
        assertThat(upgraded.attempts() + bobUpgraded.attempts()).as("attempts of both; alice: " + aliceEvents
                + "; bob: " + bobEvents).isGreaterThan(relayed.attempts() + bobRelayed.attempts());

        // One round trip on the direct path, so nothing sent through the relay before the move is still on its way.
        MessageId warmUp = bob.send("alice", "directly now").get(5, TimeUnit.SECONDS);
        bobEvents.await(Delivered.class, event -> event.id().equals(warmUp));
        long relayedBefore = tracker.metrics().relayedDatagrams();
        List<MessageId> later = List.of(alice.send("bob", "later one").get(5, TimeUnit.SECONDS),
                alice.send("bob", "later two").get(5, TimeUnit.SECONDS));
        EventLog.until("the later messages delivered",
                () -> aliceEvents.all(Delivered.class, event -> later.contains(event.id())).size() == 2);
        bobEvents.await(MessageReceived.class, event -> event.text().equals("later two"));

        assertThat(tracker.metrics().relayedDatagrams()).as("relayed after the move").isEqualTo(relayedBefore);
        assertThat(bobEvents.all(MessageReceived.class).stream().map(MessageReceived::text).toList())
                .as("what bob showed, each once").containsExactly("through the relay", "later one", "later two");
        assertThat(aliceEvents.all(MessageReceived.class).stream().map(MessageReceived::text).toList())
                .containsExactly("directly now");
        assertThat(aliceEvents.all(Delivered.class).stream().map(Delivered::id).toList())
                .as("each delivery reported once").doesNotHaveDuplicates().contains(id).containsAll(later);
        assertThat(aliceEvents.all(Failed.class)).isEmpty();
        assertThat(aliceEvents.all(Disconnected.class)).isEmpty();
        assertThat(bobEvents.all(Disconnected.class)).isEmpty();
    }

    @Test
    void shouldFailToConnectAndRelayNothingWhenTheTrackersRelayIsOff() throws Exception {
        network.stopTracker();
        tracker = network.startTracker(0, new RelayLimits(0, 0, Duration.ofMinutes(10), 10, 8));
        EventLog aliceEvents = new EventLog();
        EventLog bobEvents = new EventLog();
        PeerNode alice = relayPeer("alice", aliceEvents);
        PeerNode bob = relayPeer("bob", bobEvents);
        DirectPathBlock[] blocks = blockDirectPath(alice, bob);
        EventLog.until("both registered",
                () -> aliceEvents.count(Registered.class) == 1 && bobEvents.count(Registered.class) == 1);

        MessageId id = alice.send("bob", "nowhere to go").get(5, TimeUnit.SECONDS);

        ConnectFailed failed = aliceEvents.await(ConnectFailed.class);
        assertThat(failed.target()).isEqualTo("bob");
        assertThat(failed.reason()).contains("no answer to the handshake");
        // Not a failure of the message: it waits, and the peer keeps trying.
        assertThat(alice.queued().get(5, TimeUnit.SECONDS)).singleElement().satisfies(waiting -> {
            assertThat(waiting.id()).isEqualTo(id);
            assertThat(waiting.state()).isEqualTo(HistoryEntry.State.QUEUED);
        });
        assertThat(aliceEvents.all(Failed.class)).isEmpty();
        assertThat(aliceEvents.all(Connected.class)).isEmpty();
        assertThat(aliceEvents.all(Delivered.class)).isEmpty();
        assertThat(bobEvents.all(MessageReceived.class)).isEmpty();
        assertThat(tracker.metrics().relayedDatagrams()).as("datagrams the tracker relayed").isZero();
        assertThat(tracker.metrics().dropped(DropReason.RELAY_NOT_PERMITTED))
                .as("initiations the tracker refused to relay").isPositive();
        PathStats paths = alice.paths().get(5, TimeUnit.SECONDS);
        assertThat(paths.attempts()).isPositive();
        assertThat(paths.failed()).isPositive();
        assertThat(paths.direct()).isZero();
        assertThat(paths.relayed()).isZero();
        assertThat(onlyPeer(alice).path()).isEqualTo("none");
        assertThat(blocks[0].dropped()).as("bob's initiations dropped at alice").isPositive();
        assertThat(blocks[1].dropped()).as("alice's initiations dropped at bob").isPositive();
    }

    private static PeerView onlyPeer(PeerNode node) throws Exception {
        List<PeerView> peers = node.peers().get(5, TimeUnit.SECONDS);
        assertThat(peers).hasSize(1);
        return peers.get(0);
    }

    /** Puts {@code handler} at the front of the node's receive path, on its event loop (see PeerFaultTest). */
    private static void inFront(PeerNode node, String name, ChannelHandler handler) throws Exception {
        node.channel().eventLoop().submit(() -> node.channel().pipeline().addFirst(name, handler))
                .get(5, TimeUnit.SECONDS);
    }

    /**
     * A fault in front of the decoder that loses every datagram from one address (the other peer's socket) while it
     * is on, as a pair of NATs that never let a punch through would; the tracker's datagrams, relayed ones included,
     * come from another address and pass.
     */
    private static final class DirectPathBlock extends ChannelInboundHandlerAdapter {
        static final String NAME = "direct-path-block";

        private final InetSocketAddress from;
        private final LongAdder dropped = new LongAdder();
        private volatile boolean blocking = true;

        DirectPathBlock(InetSocketAddress from) {
            this.from = from;
        }

        void stop() {
            blocking = false;
        }

        long dropped() {
            return dropped.sum();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (blocking && msg instanceof io.netty.channel.socket.DatagramPacket packet
                    && packet.sender().equals(from)) {
                packet.release();
                dropped.increment();
                return;
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * The relay sees ciphertext only: everything the tracker received while two peers talked through it, taken off
     * its socket before anything decodes it, holds no byte sequence of their messages, though it carried them.
     */
    @Test
    void shouldShowTheTrackerNothingOfTheMessagesItRelays() throws Exception {
        TrackerTap tap = new TrackerTap();
        tracker.channel().eventLoop().submit(() -> tracker.channel().pipeline().addFirst("tap", tap))
                .get(5, TimeUnit.SECONDS);
        EventLog aliceEvents = new EventLog();
        EventLog bobEvents = new EventLog();
        PeerNode alice = relayPeer("alice", aliceEvents);
        PeerNode bob = relayPeer("bob", bobEvents);
        blockDirectPath(alice, bob);
        EventLog.until("both registered",
                () -> aliceEvents.count(Registered.class) == 1 && bobEvents.count(Registered.class) == 1);
        String secret = "meet me at the old mill at nine";
        String answer = "the old mill it is";

        MessageId id = alice.send("bob", secret).get(5, TimeUnit.SECONDS);
        aliceEvents.await(Delivered.class, event -> event.id().equals(id));
        MessageId back = bob.send("alice", answer).get(5, TimeUnit.SECONDS);
        bobEvents.await(Delivered.class, event -> event.id().equals(back));

        assertThat(bobEvents.all(MessageReceived.class)).extracting(MessageReceived::text).containsExactly(secret);
        assertThat(onlyPeer(alice).path()).isEqualTo("relay");
        assertThat(tracker.metrics().relayedDatagrams()).as("it carried them").isPositive();
        List<byte[]> seen = tap.datagrams();
        assertThat(seen).isNotEmpty();
        for (String needle : List.of(secret, answer, "old mill")) {
            byte[] bytes = needle.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(seen).as("no datagram the tracker got holds \"" + needle + "\"")
                    .noneMatch(datagram -> contains(datagram, bytes));
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Keeps a copy of every datagram a channel receives, before anything else sees it. */
    private static final class TrackerTap extends ChannelInboundHandlerAdapter {
        private final List<byte[]> datagrams = new java.util.concurrent.CopyOnWriteArrayList<>();

        List<byte[]> datagrams() {
            return List.copyOf(datagrams);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof io.netty.channel.socket.DatagramPacket packet) {
                datagrams.add(io.netty.buffer.ByteBufUtil.getBytes(packet.content()));
            }
            ctx.fireChannelRead(msg);
        }
    }

    @Test
    void shouldReportANameHeldByAnotherKeyAsRefused() throws Exception {
        EventLog first = new EventLog();
        peer("alice", first);
        EventLog.until("alice registered", () -> first.count(Registered.class) == 1);

        EventLog second = new EventLog();
        network.start(network.config("alice", "another-alice").build(), second);

        second.await(RegistrationRefused.class, event -> event.code() == ErrorCode.NAME_TAKEN);
    }
}
