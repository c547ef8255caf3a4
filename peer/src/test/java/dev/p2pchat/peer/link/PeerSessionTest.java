package dev.p2pchat.peer.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.transport.PeerSocket;
import dev.p2pchat.peer.transport.Route;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.ProtocolException;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.peer.PeerFrame.Hello;
import dev.p2pchat.protocol.peer.PeerFrame.HelloAck;
import dev.p2pchat.protocol.peer.PeerFrame.PeerMessage;
import dev.p2pchat.protocol.peer.PeerFrame;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.protocol.peer.PeerWire;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two conversations wired through a simulated network with seeded loss, on a simulated clock. */
@Timeout(30)
class PeerSessionTest {
    private static final InetSocketAddress ALICE_ADDRESS = new InetSocketAddress("192.0.2.1", 4001);
    private static final InetSocketAddress BOB_ADDRESS = new InetSocketAddress("192.0.2.2", 4002);

    /** A datagram on the test network: straight from one address to another, or through the relay. */
    private record Datagram(InetSocketAddress from, InetSocketAddress to, PeerFrame message, boolean relayed) {}

    private static PeerFrame decoded(byte[] frame) {
        try {
            return PeerFrameCodec.decode(frame);
        } catch (ProtocolException e) {
            throw new AssertionError("a session sent a malformed frame", e);
        }
    }

    /** One side: its identity, its conversation (created on the first HELLO when it did not connect itself). */
    private final class Side implements PeerSession.Events {
        final Identity identity;
        final String name;
        /** Where this side's datagrams come from: its NAT mapping, which may move. */
        InetSocketAddress address;
        /** Whether this side has a relay, when it differs from the other's; null: {@code relayAvailable}. */
        Boolean relay;
        final List<String> events = new ArrayList<>();
        final List<String> received = new ArrayList<>();
        PeerSession session;

        Side(String name, InetSocketAddress address, int seed) {
            byte[] key = new byte[32];
            new Random(seed).nextBytes(key);
            this.identity = Identity.fromPrivateKey(key);
            this.name = name;
            this.address = address;
        }

        PeerSession.Self self() {
            return new PeerSession.Self(identity, name, Octets.zeros(Wire.KEY_SIZE), 0);
        }

        void connect(Octets expectedKey, InetSocketAddress to) {
            connect(expectedKey, to == null ? List.of() : List.of(to));
        }

        void connect(Octets expectedKey, List<InetSocketAddress> candidates) {
            session = new PeerSession(self(), PeerSession.Timers.DEFAULT, random.nextLong(), random.nextLong(),
                    expectedKey, candidates, new PeerSocket() {
                        @Override
                        public void send(InetSocketAddress to, byte[] frame) {
                            network.add(new Datagram(address, to, decoded(frame), false));
                        }

                        @Override
                        public void relay(Octets to, byte[] frame) {
                            Side other = to.equals(alice.identity.publicKey()) ? alice : bob;
                            network.add(new Datagram(address, other.address, decoded(frame), true));
                        }

                        @Override
                        public boolean canRelay() {
                            return relay != null ? relay : relayAvailable;
                        }
                    }, this, now);
        }

        void deliver(Datagram datagram) {
            PeerFrame message = datagram.message();
            Route from = datagram.relayed() ? Route.RELAY : Route.direct(datagram.from());
            if (message instanceof Hello hello) {
                if (session == null) {
                    connect(hello.identityKey(), List.of()); // as the chat opens one for a HELLO nobody asked for
                }
                session.onHello(from, hello, now);
            } else if (message instanceof HelloAck ack && session != null) {
                session.onHelloAck(from, ack, now);
            } else if (message instanceof PeerMessage peer && session != null
                    && peer.session() == session.localSession()) {
                session.onPeerMessage(from, peer, now);
            }
        }

        @Override
        public void connected(PeerSession s) {
            events.add("connected " + s.remoteName());
        }

        @Override
        public void received(PeerSession s, long messageId, ContentKind kind, byte[] content) {
            received.add(new String(content, StandardCharsets.UTF_8));
        }

        @Override
        public void delivered(PeerSession s, long messageId) {
            events.add("delivered " + messageId);
        }

        @Override
        public void failed(PeerSession s, long messageId, String reason) {
            events.add("failed " + messageId + ": " + reason);
        }

        @Override
        public void closed(PeerSession s, String reason) {
            events.add("closed: " + reason);
        }

        @Override
        public void wantsIntroduction(PeerSession s) {
            events.add("wants an introduction");
        }

        @Override
        public void routeChanged(PeerSession s, Route previous) {
            events.add("route " + s.route());
        }
    }

    private final Random random = new Random(11);
    private final Random network0 = new Random(12);
    private final Queue<Datagram> network = new ArrayDeque<>();
    private final Side alice = new Side("alice", ALICE_ADDRESS, 1);
    private final Side bob = new Side("bob", BOB_ADDRESS, 2);
    private long now;
    private double loss;
    private boolean bobAlive = true;
    /** Whether the relay is there; and whether direct datagrams get through (the NATs let them). */
    private boolean relayAvailable;
    private boolean directBlocked;
    /** Whether the relay loses what it is given (it does not know the sender's new address yet). */
    private boolean relayLost;
    /** Whether bob's direct datagrams are lost (a one-way path). */
    private boolean bobsDirectBlocked;
    private int dropped;
    private int relayed;
    private int relayedFromBob;

    /** Runs the network and both sides' timers for {@code millis}, in 10 ms steps. */
    private void run(long millis) {
        for (long end = now + millis; now < end; now += 10) {
            for (int pending = network.size(); pending > 0; pending--) {
                Datagram datagram = network.poll();
                boolean toBob = datagram.to().equals(bob.address);
                boolean lost = !toBob && !datagram.to().equals(alice.address) // an address nobody holds any more
                        || (toBob || datagram.from().equals(bob.address)) && !bobAlive
                        || (directBlocked || bobsDirectBlocked && datagram.from().equals(bob.address))
                                && !datagram.relayed()
                        || relayLost && datagram.relayed()
                        || network0.nextDouble() < loss;
                if (lost) {
                    dropped++;
                    continue;
                }
                relayed += datagram.relayed() ? 1 : 0;
                relayedFromBob += datagram.relayed() && datagram.from().equals(bob.address) ? 1 : 0;
                (toBob ? bob : alice).deliver(datagram);
            }
            if (alice.session != null) {
                alice.session.tick(now);
            }
            if (bob.session != null && bobAlive) {
                bob.session.tick(now);
            }
        }
    }

    /** Hands every datagram now on the network to its receiver, without running anyone's timers. */
    private void deliverWithoutTicking() {
        for (int pending = network.size(); pending > 0; pending--) {
            Datagram datagram = network.poll();
            (datagram.to().equals(bob.address) ? bob : alice).deliver(datagram);
        }
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldConnectByHelloAndProvenKeysThenChatBothWays() {
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);

        assertThat(alice.events).containsExactly("connected bob");
        assertThat(bob.events).containsExactly("connected alice");
        assertThat(alice.session.remoteKey()).isEqualTo(bob.identity.publicKey());
        assertThat(bob.session.remoteKey()).isEqualTo(alice.identity.publicKey());

        alice.session.send(ContentKind.TEXT, text("hi bob"), now);
        bob.session.send(ContentKind.TEXT, text("hi alice"), now);
        run(200);

        assertThat(bob.received).containsExactly("hi bob");
        assertThat(alice.received).containsExactly("hi alice");
        assertThat(alice.events).contains("delivered 1");
        assertThat(alice.session.rttMillis()).isBetween(0L, 50L);
    }

    @Test
    void shouldNotConnectToAPeerThatCannotProveTheExpectedKey() {
        Octets someoneElse = new Side("carol", ALICE_ADDRESS, 3).identity.publicKey();
        alice.connect(someoneElse, BOB_ADDRESS);

        run(PeerSession.CONNECT_TIMEOUT_MILLIS + 100);

        assertThat(alice.events).containsExactly("closed: no answer to HELLO within 10 s");
    }

    @Test
    void shouldPingAnIdlePathAndCloseItWhenThePeerVanishes() {
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);
        run(PeerSession.PING_IDLE_MILLIS * 2);
        assertThat(alice.session.state()).as("pings keep an idle path alive").isEqualTo(PeerSession.State.CONNECTED);

        bobAlive = false;
        alice.session.send(ContentKind.TEXT, text("anyone there?"), now);
        run(PeerSession.DEAD_AFTER_MILLIS + 100);

        assertThat(alice.events).endsWith("failed 1: unreachable: nothing heard for 15 s",
                "closed: unreachable: nothing heard for 15 s");
    }

    @Test
    void shouldCloseBothSidesWithAGoodbye() {
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);

        bob.session.close("bob quit", true);
        run(50);

        assertThat(alice.events).endsWith("closed: said goodbye");
        assertThat(bob.events).endsWith("closed: bob quit");
    }

    @Test
    void shouldDeliverA64KibMessageIntactUnderTenPercentLoss() {
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);
        loss = 0.1;
        StringBuilder big = new StringBuilder();
        while (big.length() < PeerWire.MAX_MESSAGE_SIZE) {
            big.append((char) ('a' + big.length() % 26));
        }
        String message = big.substring(0, PeerWire.MAX_MESSAGE_SIZE);

        alice.session.send(ContentKind.TEXT, text(message), now);
        run(20_000);

        assertThat(dropped).as("datagrams the network dropped").isPositive();
        assertThat(alice.session.retransmissions()).isPositive();
        assertThat(bob.received).containsExactly(message);
        assertThat(alice.events).contains("delivered 1");
    }

    @Test
    void shouldConnectThroughTheRelayWhenNoDirectPathFormsAndDeliverOnceEach() {
        relayAvailable = true;
        directBlocked = true; // two symmetric NATs: no punch gets through
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        alice.session.send(ContentKind.TEXT, text("one"), now);
        alice.session.send(ContentKind.TEXT, text("two"), now);

        run(PeerSession.RELAY_AFTER_MILLIS - 100);
        assertThat(alice.session.state()).as("punching only, so far").isEqualTo(PeerSession.State.CONNECTING);
        assertThat(relayed).isZero();
        run(1_000);

        assertThat(alice.events).startsWith("connected bob");
        assertThat(alice.session.route()).isEqualTo(Route.RELAY);
        assertThat(bob.session.route()).isEqualTo(Route.RELAY);
        bob.session.send(ContentKind.TEXT, text("three"), now);
        run(1_000);
        assertThat(bob.received).containsExactly("one", "two");
        assertThat(alice.received).containsExactly("three");
        assertThat(alice.events).contains("delivered 1", "delivered 2");
        assertThat(dropped).as("the punches that did not get through").isPositive();
    }

    @Test
    void shouldNotUseTheRelayWhereThereIsNone() {
        directBlocked = true;
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);

        run(PeerSession.CONNECT_TIMEOUT_MILLIS + 100);

        assertThat(alice.events).containsExactly("closed: no answer to HELLO within 10 s");
        assertThat(relayed).isZero();
    }

    @Test
    void shouldFallBackToTheRelayWhenTheDirectPathFallsSilentAndLoseNothing() {
        relayAvailable = true;
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);
        assertThat(alice.session.route()).isEqualTo(Route.direct(BOB_ADDRESS));

        directBlocked = true; // a router on the way forgot the mapping
        for (int i = 1; i <= 5; i++) {
            alice.session.send(ContentKind.TEXT, text("message " + i), now);
        }
        run(PeerSession.RELAY_AFTER_MILLIS + 2_000);

        assertThat(alice.events).contains("route relay", "wants an introduction");
        assertThat(bob.events).contains("route relay");
        assertThat(bob.received).containsExactly("message 1", "message 2", "message 3", "message 4", "message 5");
        assertThat(alice.events).contains("delivered 1", "delivered 5").noneMatch(e -> e.startsWith("failed"));
        assertThat(alice.session.state()).isEqualTo(PeerSession.State.CONNECTED);
    }

    @Test
    void shouldResendWhatTheOldPathLeftUnacknowledgedAsSoonAsTheRouteMoves() {
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);
        alice.session.send(ContentKind.TEXT, text("warm up"), now); // a measured round trip: a 200 ms timeout
        run(200);
        assertThat(alice.session.rttMillis()).isNotNegative();

        InetSocketAddress moved = new InetSocketAddress("192.0.2.22", 5002);
        bob.address = moved; // bob's mapping moved: alice's sends are lost
        alice.session.send(ContentKind.TEXT, text("across the move"), now);
        run(1_450); // resent at 200, 600 and 1,400 ms: the last one is too recent for any timeout to resend it
        assertThat(bob.received).containsExactly("warm up");

        bob.session.send(ContentKind.TEXT, text("from the new address"), now); // alice's route follows bob
        deliverWithoutTicking();
        assertThat(alice.session.address()).isEqualTo(moved);
        assertThat(network).as("a PING to prove the new route, nothing resent yet")
                .noneMatch(datagram -> datagram.message() instanceof Data)
                .anyMatch(datagram -> datagram.to().equals(moved) && datagram.message() instanceof PeerFrame.Ping);

        deliverWithoutTicking(); // bob answers the PING
        deliverWithoutTicking(); // alice hears the PONG from the new route
        assertThat(network).as("resent once the new route answered, before any timer runs")
                .anyMatch(datagram -> datagram.to().equals(moved) && datagram.message() instanceof Data);
        run(100);
        assertThat(bob.received).containsExactly("warm up", "across the move");
        assertThat(alice.events).contains("delivered 2");
        assertThat(alice.session.rttMillis()).as("measured on the new route").isNotNegative();
    }

    @Test
    void shouldSendOnlyAPingToAnAddressThatMovedTheRouteUntilItAnswers() {
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);
        bobAlive = false;
        for (int i = 1; i <= 5; i++) {
            alice.session.send(ContentKind.TEXT, text("unanswered " + i), now);
        }
        network.clear();

        // Datagrams with the session id (someone who saw it) from ever new addresses: each moves the route.
        for (int i = 0; i < 10; i++) {
            alice.session.onPeerMessage(Route.direct(new InetSocketAddress("192.0.2.50", 1000 + i)),
                    new PeerFrame.Ping(alice.session.localSession(), i), now);
        }

        assertThat(network).as("to each address a PONG and a PING, each as small as what came; no resends")
                .hasSize(20).allMatch(datagram -> datagram.message() instanceof PeerFrame.Ping
                        || datagram.message() instanceof PeerFrame.Pong);
    }

    @Test
    void shouldResendAtOnceWhenAPathThatCountedAsLostAnswersAgain() {
        relayAvailable = true;
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);
        directBlocked = true;
        relayLost = true; // the relay does not pass anything on either, for now
        alice.session.send(ContentKind.TEXT, text("from alice"), now);
        bob.session.send(ContentKind.TEXT, text("from bob"), now);
        run(PeerSession.RELAY_AFTER_MILLIS + 500);
        assertThat(alice.session.route()).isEqualTo(Route.RELAY);
        assertThat(bob.session.route()).isEqualTo(Route.RELAY);
        assertThat(alice.received).isEmpty();
        assertThat(bob.received).isEmpty();

        relayLost = false;
        alice.session.send(ContentKind.TEXT, text("anyone there?"), now);
        run(100);

        assertThat(bob.received).containsExactly("from alice", "anyone there?");
        assertThat(alice.received).as("bob, hearing again from a path that counted as lost, resends at once")
                .containsExactly("from bob");
    }

    @Test
    void shouldKeepTheProbeRoundForTheIntroductionThatShowsWhereAMovedPeerIsNow() {
        relayAvailable = true;
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);
        InetSocketAddress moved = new InetSocketAddress("192.0.2.11", 5001);
        alice.address = moved; // alice's router renumbered
        directBlocked = true; // bob's router drops what comes from alice's new mapping, until bob sends there
        bob.session.send(ContentKind.TEXT, text("still there?"), now);
        run(PeerSession.RELAY_AFTER_MILLIS + 500);
        assertThat(bob.session.route()).isEqualTo(Route.RELAY);

        // bob's lookup, answered before alice registered again, shows where bob last reached her
        assertThat(bob.session.addCandidates(List.of(ALICE_ADDRESS), now)).isFalse();
        directBlocked = false;
        assertThat(bob.session.addCandidates(List.of(moved), now)).as("alice's lookup introduced her new mapping")
                .isTrue();
        run(100);

        assertThat(bob.session.route()).isEqualTo(Route.direct(moved));
        assertThat(alice.received).containsExactly("still there?");
    }

    @Test
    void shouldMoveBackToADirectPathWhenAProbeGetsThroughAndAskAgainWhileRelayed() {
        relayAvailable = true;
        directBlocked = true;
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(PeerSession.RELAY_AFTER_MILLIS + 1_000);
        assertThat(alice.session.route()).isEqualTo(Route.RELAY);
        run(PeerSession.UPGRADE_INTERVAL_MILLIS);
        assertThat(alice.events).filteredOn("wants an introduction"::equals).as("one per upgrade interval")
                .hasSize(1);

        directBlocked = false; // the introduction opened both NATs this time
        alice.session.addCandidates(List.of(BOB_ADDRESS), now);
        run(200);

        assertThat(alice.session.probes()).isEqualTo(1);
        assertThat(alice.session.route()).isEqualTo(Route.direct(BOB_ADDRESS));
        assertThat(bob.session.route()).isEqualTo(Route.direct(ALICE_ADDRESS));
        assertThat(alice.events).endsWith("route " + BOB_ADDRESS);
        int relayedBefore = relayed;
        alice.session.send(ContentKind.TEXT, text("direct again"), now);
        run(200);
        assertThat(bob.received).containsExactly("direct again");
        assertThat(relayed).isEqualTo(relayedBefore);
    }

    @Test
    void shouldFollowAPeerWhoseMappingMovedWithoutLosingOrDoublingAMessage() {
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);
        for (int i = 1; i <= 3; i++) {
            alice.session.send(ContentKind.TEXT, text("before " + i), now);
        }
        run(200);

        InetSocketAddress moved = new InetSocketAddress("192.0.2.22", 5002);
        bob.address = moved; // bob's router got a new public address: the old mapping is gone
        for (int i = 1; i <= 3; i++) {
            alice.session.send(ContentKind.TEXT, text("after " + i), now);
        }
        run(100);
        bob.session.send(ContentKind.TEXT, text("from the new address"), now); // bob learns nothing, just talks
        run(2_000);

        assertThat(alice.session.address()).isEqualTo(moved);
        assertThat(bob.received).containsExactly("before 1", "before 2", "before 3", "after 1", "after 2",
                "after 3");
        assertThat(alice.received).containsExactly("from the new address");
        assertThat(alice.events).contains("delivered 6").noneMatch(e -> e.startsWith("failed"));
    }

    @Test
    void shouldAnswerAnUnaskedForHelloWithoutRelayingHellosOfItsOwn() {
        bobsDirectBlocked = true; // bob's answers never arrive: alice keeps greeting
        alice.relay = false;
        bob.relay = true;
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(PeerSession.CONNECT_TIMEOUT_MILLIS - 100);

        assertThat(bob.session).as("opened by alice's HELLO").isNotNull();
        assertThat(dropped).as("bob's answers, lost").isPositive();
        assertThat(relayedFromBob).as("bob answers what reaches him, and relays no HELLO of his own").isZero();
    }

    @Test
    void shouldProbeAtMostOneRoundPerRelayAfter() {
        relayAvailable = true;
        directBlocked = true;
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(PeerSession.RELAY_AFTER_MILLIS + 1_000);
        assertThat(alice.session.route()).isEqualTo(Route.RELAY);

        for (int i = 0; i < 10; i++) { // a flood of (maybe forged) introductions
            alice.session.addCandidates(List.of(new InetSocketAddress("192.0.2.9", 1000 + i)), now);
        }
        assertThat(alice.session.probes()).isEqualTo(1);
        run(PeerSession.RELAY_AFTER_MILLIS);
        alice.session.addCandidates(List.of(BOB_ADDRESS), now);
        assertThat(alice.session.probes()).isEqualTo(2);
    }

    @Test
    void shouldProbeAnIntroducedAddressOnlyWhenThePeerIsNoLongerWhereTheRouteGoes() {
        alice.connect(bob.identity.publicKey(), BOB_ADDRESS);
        run(200);

        alice.session.addCandidates(List.of(BOB_ADDRESS), now); // the introduction says what the route knows
        assertThat(alice.session.probes()).isZero();

        InetSocketAddress moved = new InetSocketAddress("192.0.2.22", 5002);
        bob.address = moved;
        alice.session.addCandidates(List.of(moved), now); // the introduction shows bob's mapping moved
        run(100);

        assertThat(alice.session.probes()).isEqualTo(1);
        assertThat(alice.session.address()).as("bob answered the probe from there").isEqualTo(moved);
    }
}
