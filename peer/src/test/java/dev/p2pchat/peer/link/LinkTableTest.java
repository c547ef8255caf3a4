package dev.p2pchat.peer.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.link.SimNet.Datagram;
import dev.p2pchat.peer.link.SimNet.Node;
import dev.p2pchat.peer.transport.Route;
import dev.p2pchat.protocol.Identity;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import dev.p2pchat.protocol.crypto.NoisePattern;
import dev.p2pchat.protocol.crypto.X25519;
import dev.p2pchat.protocol.peer.FrameType;
import dev.p2pchat.protocol.peer.PeerWire;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The conversation table on a simulated network, on a fake clock: handshakes, sealing, and every attack the sealed
 * links are meant to withstand, each shown to change nothing. The attacker sees every datagram on the wire (the
 * tap) and sends whatever it likes from wherever it likes.
 */
@Timeout(60)
class LinkTableTest {
    private static final InetSocketAddress MALLORY_AT = new InetSocketAddress("203.0.113.66", 6666);

    private final SimNet net = new SimNet();
    private final Node alice = net.node("alice", "192.0.2.1", 1);
    private final Node bob = net.node("bob", "192.0.2.2", 2);

    private static FrameType typeOf(Datagram datagram) {
        return FrameType.ofCode(datagram.bytes()[Wire.TYPE_OFFSET]);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private void connectOverIk() {
        alice.connect(bob, bob.address);
        net.run(Duration.ofMillis(200));
        assertThat(alice.connected).containsExactly("bob");
        assertThat(bob.connected).containsExactly("alice");
    }

    @Test
    void shouldConnectOverIkWhenTheAgreementKeyIsKnownAndChatBothWays() {
        connectOverIk();
        long first = alice.send(bob, "hello bob");
        long second = bob.send(alice, "hello alice");
        net.run(Duration.ofMillis(200));

        assertThat(bob.received).containsExactly("hello bob");
        assertThat(alice.received).containsExactly("hello alice");
        assertThat(alice.delivered).containsExactly(first);
        assertThat(bob.delivered).containsExactly(second);
        assertThat(net.tap).as("an IK initiation opened it").anyMatch(d -> typeOf(d) == FrameType.INITIATION_IK)
                .noneMatch(d -> typeOf(d) == FrameType.INITIATION_XX);
    }

    /**
     * A stranger's handshake name outside the naming rule, plus one friend request, once made the next start exit
     * until the contacts file was edited by hand. Such a handshake is refused now, and nothing is kept of it.
     */
    @Test
    void shouldRefuseAHandshakeWhoseNameBreaksTheNamingRule() {
        SimNet.Node shouting = net.node("ALICE!", "10.0.0.66", 66);

        shouting.table.connect(bob.address, "bob's address");
        net.run(Duration.ofMillis(500));

        assertThat(bob.connected).isEmpty();
        assertThat(bob.table.dropped(LinkTable.Drop.BAD_HANDSHAKE)).isPositive();
        assertThat(bob.table.keys()).isEmpty();
    }

    @Test
    void shouldConnectOverXxToABareAddressAndLearnWhoAnswered() {
        alice.table.connect(bob.address, "bob's address");
        net.run(Duration.ofMillis(200));

        assertThat(alice.connected).containsExactly("bob");
        assertThat(bob.connected).containsExactly("alice");
        assertThat(alice.table.hasConversation(bob.key())).isTrue();
        assertThat(net.tap).extracting(LinkTableTest::typeOf).contains(FrameType.INITIATION_XX,
                FrameType.RESPONSE_XX, FrameType.FINISH_XX);
        long receipt = alice.send(bob, "found you");
        net.run(Duration.ofMillis(200));
        assertThat(bob.received).containsExactly("found you");
        assertThat(alice.delivered).containsExactly(receipt);
    }

    @Test
    void shouldOpenOneConversationWhenBothSidesInitiateAtOnce() {
        alice.connect(bob, bob.address);
        bob.connect(alice, alice.address);
        net.run(Duration.ofMillis(300));
        long receipt = alice.send(bob, "hi");
        net.run(Duration.ofMillis(300));

        assertThat(alice.connected).containsExactly("bob");
        assertThat(bob.connected).containsExactly("alice");
        assertThat(bob.received).containsExactly("hi");
        assertThat(alice.delivered).containsExactly(receipt);
        assertThat(alice.disconnected).isEmpty();
        assertThat(bob.disconnected).isEmpty();
    }

    @Test
    void shouldShowOnlookersNeitherTheMessagesNorTheInitiatorsIdentity() {
        connectOverIk();
        alice.send(bob, "the secret plan");
        bob.send(alice, "the secret answer");
        net.run(Duration.ofMillis(300));

        assertThat(bob.received).containsExactly("the secret plan");
        assertThat(net.tap).isNotEmpty().noneMatch(d -> d.carries(utf8("secret")))
                .as("IK hides the initiator: her identity and name never appear in the clear")
                .noneMatch(d -> d.carries(alice.key().toByteArray()))
                .noneMatch(d -> d.carries(utf8("alice")))
                .noneMatch(d -> d.carries(bob.key().toByteArray()));
    }

    @Test
    void shouldNotConnectWhenTheAnswerComesFromAnotherIdentityThanExpected() {
        Node mallory = net.node("mallory", "203.0.113.66", 6);
        alice.table.connect(mallory.address, "somewhere");
        // Alice learns (say from the tracker) that bob is at that address, so she expects his key there.
        alice.table.connect(bob.key(), null, "bob", List.of(mallory.address));
        net.run(Duration.ofSeconds(1));

        assertThat(alice.connected).isEmpty();
        assertThat(alice.table.dropped(LinkTable.Drop.WRONG_PEER)).isPositive();
        assertThat(alice.table.hasConversation(mallory.key())).isFalse();
    }

    /**
     * Whoever saw an initiation (a shared link, the relay, any candidate address it went to) knows the index a
     * response or a message 3 must name, and races a forgery to it ahead of the genuine one: from wherever, with
     * the genuine frame's header and index but noise of its own, or the genuine noise with one bit flipped. The
     * forgery is dropped and the genuine frame, right behind it, still completes the very same handshake: one
     * initiation, no renewal, connected as fast as without the forger.
     */
    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"RESPONSE_IK, random noise", "RESPONSE_IK, a flipped bit", "RESPONSE_XX, random noise",
        "RESPONSE_XX, a flipped bit", "FINISH_XX, random noise", "FINISH_XX, a flipped bit"})
    void shouldNotLetAForgedResponseOrFinishAheadOfTheGenuineOneEndTheHandshake(FrameType raced, String forgery) {
        SplittableRandom random = new SplittableRandom(7);
        int[] forged = {0};
        net.drop = datagram -> {
            if (typeOf(datagram) == raced && forged[0] == 0) {
                forged[0]++;
                byte[] bytes = datagram.bytes().clone();
                int noiseStart = raced == FrameType.FINISH_XX ? 8 : 12;
                if (forgery.equals("random noise")) {
                    for (int i = noiseStart; i < bytes.length; i++) {
                        bytes[i] = (byte) random.nextInt(256);
                    }
                } else {
                    bytes[bytes.length - 1] ^= 1;
                }
                net.inject(new Datagram(MALLORY_AT, datagram.to(), bytes, null));
            }
            return false;
        };
        if (raced == FrameType.RESPONSE_IK) {
            alice.connect(bob, bob.address);
        } else {
            alice.table.connect(bob.address, "bob's address");
        }
        net.run(Duration.ofMillis(100));

        assertThat(forged[0]).as("the forgery went in first").isEqualTo(1);
        assertThat(alice.connected).containsExactly("bob");
        assertThat(bob.connected).containsExactly("alice");
        assertThat(net.tap).as("one initiation: the forgery renewed nothing")
                .filteredOn(d -> typeOf(d) == FrameType.INITIATION_IK || typeOf(d) == FrameType.INITIATION_XX)
                .hasSize(1);
        Node reader = raced == FrameType.FINISH_XX ? bob : alice;
        assertThat(reader.table.dropped(LinkTable.Drop.BAD_HANDSHAKE)).as("the forgery, counted").isEqualTo(1);
        long receipt = alice.send(bob, "through the genuine keys");
        net.run(Duration.ofMillis(100));
        assertThat(bob.received).containsExactly("through the genuine keys");
        assertThat(alice.delivered).containsExactly(receipt);
    }

    /**
     * A conversation the peer's initiation opened waits for the initiator to confirm it. When that never comes (the
     * answer was lost and the peer gave up, or the initiation was a replay) and the user connects to the peer, this
     * side sets out at once instead of waiting out the unconfirmed one.
     */
    @Test
    void shouldConnectAtOnceWhenTheUserAsksWhileTheConversationThePeerOpenedWaitsForAConfirmation() {
        net.drop = datagram -> typeOf(datagram) == FrameType.RESPONSE_IK;
        alice.connect(bob, bob.address);
        net.run(Duration.ofMillis(100));
        alice.table.close(bob.key(), "gave up", false);
        net.drop = datagram -> false;
        assertThat(bob.table.hasConversation(alice.key())).as("bob's side waits for a confirmation").isTrue();

        bob.connect(alice, alice.address);
        net.run(Duration.ofMillis(300));

        assertThat(bob.connected).containsExactly("alice");
        assertThat(alice.connected).containsExactly("bob");
        long receipt = bob.send(alice, "here after all");
        net.run(Duration.ofMillis(100));
        assertThat(alice.received).containsExactly("here after all");
        assertThat(bob.delivered).containsExactly(receipt);
    }

    /**
     * A conversation that throws (here the application choked on a message) ends alone, saying why, and is counted;
     * every other conversation's frames and timers go on.
     */
    @Test
    void shouldEndOnlyTheConversationThatThrewAndKeepTheOthersGoing() {
        Node carol = net.node("carol", "192.0.2.3", 3);
        connectOverIk();
        carol.connect(bob, bob.address);
        net.run(Duration.ofMillis(200));
        bob.chokesOn = "boom";

        alice.send(bob, "boom");
        net.run(Duration.ofMillis(200));

        assertThat(bob.disconnected).singleElement().asString()
                .startsWith("internal error: java.lang.IllegalStateException: the application choked on boom");
        assertThat(bob.table.dropped(LinkTable.Drop.CONVERSATION_FAILED)).isEqualTo(1);
        net.run(Duration.ofSeconds(20)); // past the silence that would end a conversation nobody pinged
        long receipt = carol.send(bob, "still here");
        net.run(Duration.ofMillis(200));
        assertThat(bob.received).containsExactly("still here");
        assertThat(carol.delivered).containsExactly(receipt);
        assertThat(carol.disconnected).isEmpty();
    }

    /**
     * Each forged response costs the initiator Diffie-Hellman work, so a handshake reads only a few refused ones: a
     * thousand raced ahead of the genuine response cost it {@value PeerSession#MAX_REFUSED_RESPONSES} reads, then a
     * new initiation (a new key and index) replaces it, and the rest, to an index that names nothing any more, cost
     * a lookup each. The new handshake connects.
     */
    @Test
    void shouldReadOnlyAFewForgedResponsesPerHandshakeAndThenStartANewOne() {
        SplittableRandom random = new SplittableRandom(8);
        boolean[] raced = {false};
        net.drop = datagram -> {
            if (typeOf(datagram) == FrameType.RESPONSE_IK && !raced[0]) {
                raced[0] = true;
                for (int i = 0; i < 1_000; i++) {
                    byte[] forged = datagram.bytes().clone();
                    for (int j = 12; j < forged.length; j++) {
                        forged[j] = (byte) random.nextInt(256);
                    }
                    net.inject(new Datagram(MALLORY_AT, datagram.to(), forged, null));
                }
            }
            return false;
        };
        alice.connect(bob, bob.address);
        net.run(Duration.ofSeconds(1));

        assertThat(alice.table.dropped(LinkTable.Drop.BAD_HANDSHAKE)).isEqualTo(PeerSession.MAX_REFUSED_RESPONSES);
        assertThat(alice.table.dropped(LinkTable.Drop.UNKNOWN_INDEX))
                .as("the rest of the forgeries, and the genuine response to the renewed handshake")
                .isEqualTo(1_000 - PeerSession.MAX_REFUSED_RESPONSES + 1);
        assertThat(alice.connected).containsExactly("bob");
        assertThat(bob.connected).containsExactly("alice");
    }

    /**
     * Someone who saw alice's XX initiation to bob's address answers it first with a valid handshake of its own
     * identity. Alice expects bob there: the answer is refused as the wrong peer, her handshake goes back to where
     * it was, and bob's answer, right behind, completes it.
     */
    @Test
    void shouldRefuseAValidAnswerFromTheWrongIdentityAndStillTakeTheRightOne() {
        Node mallory = net.node("mallory", "203.0.113.66", 6);
        boolean[] raced = {false};
        net.drop = datagram -> {
            if (typeOf(datagram) == FrameType.INITIATION_XX && datagram.to().equals(bob.address) && !raced[0]) {
                raced[0] = true;
                net.inject(new Datagram(alice.address, mallory.address, datagram.bytes(), null));
            }
            return false;
        };
        alice.table.connect(bob.key(), null, "bob", List.of(bob.address));
        net.run(Duration.ofMillis(100));

        assertThat(raced[0]).isTrue();
        assertThat(alice.table.dropped(LinkTable.Drop.WRONG_PEER)).isEqualTo(1);
        assertThat(alice.connected).containsExactly("bob");
        assertThat(net.tap).as("one initiation from alice")
                .filteredOn(d -> d.from().equals(alice.address) && typeOf(d) == FrameType.INITIATION_XX).hasSize(1);
        assertThat(alice.table.hasConversation(mallory.key())).isFalse();
    }

    @Test
    void shouldDropForgedTransportFramesWithAGenuineReceiverIndexAndChangeNothing() {
        connectOverIk();
        alice.send(bob, "one");
        net.run(Duration.ofMillis(200));
        Datagram genuine = net.tap.stream().filter(d -> d.to().equals(bob.address))
                .filter(d -> typeOf(d) == FrameType.TRANSPORT).reduce((a, b) -> b).orElseThrow();
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 100; i++) {
            byte[] forged = genuine.bytes().clone();
            // The clear header as it is (so the index names bob's keys), a new counter, and anything sealed.
            ByteBuffer.wrap(forged).putLong(8, 1_000_000L + i);
            for (int j = PeerWire.TRANSPORT_HEADER_SIZE; j < forged.length; j++) {
                forged[j] = (byte) random.nextInt();
            }
            net.inject(new Datagram(MALLORY_AT, bob.address, forged, null));
        }
        net.deliverAll();

        assertThat(bob.table.dropped(LinkTable.Drop.NOT_AUTHENTIC)).isEqualTo(100);
        assertThat(bob.session(alice).route()).as("no route moved").isEqualTo(Route.direct(alice.address));
        assertThat(bob.received).containsExactly("one");
        long receipt = alice.send(bob, "two");
        net.run(Duration.ofMillis(200));
        assertThat(bob.received).containsExactly("one", "two");
        assertThat(alice.delivered).contains(receipt);
    }

    @Test
    void shouldNotMoveTheRouteOrShowTwiceWhenSomeoneWhoSawADatagramSendsItFromAThirdAddress() {
        connectOverIk();
        alice.send(bob, "seen on a shared link");
        net.run(Duration.ofMillis(200));
        List<Datagram> seen = net.tap.stream().filter(d -> d.to().equals(bob.address)).toList();

        for (Datagram datagram : seen) {
            net.inject(new Datagram(MALLORY_AT, bob.address, datagram.bytes(), null));
        }
        net.run(Duration.ofMillis(500));

        assertThat(bob.table.dropped(LinkTable.Drop.REPLAYED)).as("every transport frame again").isPositive();
        assertThat(bob.session(alice).route()).isEqualTo(Route.direct(alice.address));
        assertThat(bob.received).containsExactly("seen on a shared link");
        assertThat(net.tap).as("nothing went to the third address").noneMatch(d -> d.to().equals(MALLORY_AT));
        long receipt = alice.send(bob, "still direct");
        net.run(Duration.ofMillis(200));
        assertThat(bob.received).containsExactly("seen on a shared link", "still direct");
        assertThat(alice.delivered).contains(receipt);
    }

    @Test
    void shouldCostAtMostOneRoundOfSealedProbesWhenAForgedIntroductionNamesAnotherAddress() {
        connectOverIk();
        int before = net.tap.size();

        // "bob is at mallory's address", as a forged introduction says; mallory passes on whatever comes.
        net.drop = datagram -> {
            if (datagram.to().equals(MALLORY_AT)) {
                InetSocketAddress onward = datagram.from().equals(alice.address) ? bob.address : alice.address;
                net.inject(new Datagram(MALLORY_AT, onward, datagram.bytes(), null));
                return true;
            }
            return false;
        };
        for (int i = 0; i < 20; i++) {
            alice.connect(bob, MALLORY_AT);
        }
        net.run(Duration.ofSeconds(1));
        long receipt = alice.send(bob, "after the forged introduction");
        net.run(Duration.ofMillis(300));

        List<Datagram> toMallory = net.tap.subList(before, net.tap.size()).stream()
                .filter(d -> d.to().equals(MALLORY_AT)).toList();
        assertThat(toMallory).as("one probe round from alice, whatever the introductions")
                .filteredOn(d -> d.from().equals(alice.address)).hasSize(1);
        assertThat(toMallory).as("and bob's answer to it, where it came from").hasSize(2)
                .allMatch(d -> typeOf(d) == FrameType.TRANSPORT && d.bytes().length <= 40);
        assertThat(alice.session(bob).route()).as("a working route stays").isEqualTo(Route.direct(bob.address));
        assertThat(bob.session(alice).route()).isEqualTo(Route.direct(alice.address));
        assertThat(bob.received).containsExactly("after the forged introduction");
        assertThat(alice.delivered).containsExactly(receipt);
    }

    @Test
    void shouldRelayCiphertextOnlyAndDropWhatTheRelayMakesUpOrReplays() {
        net.directBlocked = true;
        alice.connect(bob, bob.address);
        net.run(Duration.ofSeconds(5));
        assertThat(alice.connected).containsExactly("bob");
        assertThat(alice.session(bob).route().relayed()).isTrue();
        alice.send(bob, "through the tracker, unread");
        net.run(Duration.ofMillis(500));
        assertThat(bob.received).containsExactly("through the tracker, unread");

        List<Datagram> relayed = net.tap.stream().filter(Datagram::relayed).toList();
        assertThat(relayed).isNotEmpty().noneMatch(d -> d.carries(utf8("unread")))
                .noneMatch(d -> d.carries(utf8("alice")));
        // The tracker replays what it relayed, and makes up frames to bob's indices, as coming from alice.
        for (Datagram datagram : relayed) {
            net.inject(new Datagram(SimNet.TRACKER, bob.address, datagram.bytes(), alice.key()));
            byte[] forged = datagram.bytes().clone();
            forged[forged.length - 1] ^= 1;
            ByteBuffer.wrap(forged).putLong(8, 999_999L);
            net.inject(new Datagram(SimNet.TRACKER, bob.address, forged, alice.key()));
        }
        net.deliverAll();

        assertThat(bob.received).containsExactly("through the tracker, unread");
        assertThat(bob.table.dropped(LinkTable.Drop.REPLAYED) + bob.table.dropped(LinkTable.Drop.NOT_AUTHENTIC)
                + bob.table.dropped(LinkTable.Drop.UNKNOWN_INDEX)).isGreaterThanOrEqualTo(relayed.size());
        assertThat(bob.table.dropped(LinkTable.Drop.NOT_AUTHENTIC)).isPositive();
    }

    @Test
    void shouldNotLetAReplayedInitiationOpenEndOrDisturbAConversation() {
        connectOverIk();
        Datagram initiation = net.tap.stream().filter(d -> typeOf(d) == FrameType.INITIATION_IK).findFirst()
                .orElseThrow();
        net.run(Duration.ofSeconds(6)); // past the time an answer is kept for a repeated initiation
        int before = net.tap.size();

        for (int i = 0; i < 5; i++) {
            net.inject(new Datagram(MALLORY_AT, bob.address, initiation.bytes(), null));
        }
        net.run(Duration.ofMillis(200));

        assertThat(bob.table.dropped(LinkTable.Drop.REPLAYED_HANDSHAKE)).isEqualTo(5);
        assertThat(net.tap.subList(before, net.tap.size())).noneMatch(d -> d.to().equals(MALLORY_AT));
        assertThat(bob.connected).containsExactly("alice");
        assertThat(bob.disconnected).isEmpty();
        long receipt = alice.send(bob, "undisturbed");
        net.run(Duration.ofMillis(200));
        assertThat(bob.received).containsExactly("undisturbed");
        assertThat(alice.delivered).containsExactly(receipt);
    }

    /**
     * The memory of initiators' timestamps is bounded; an attacker cycles more throwaway identities through it
     * than it holds (slowly enough not to put bob under load), then replays alice's recorded initiation. Her
     * conversation keeps her timestamp beyond the bound: the replay is still one, and bob answers nothing.
     */
    @Test
    void shouldTellAReplayedInitiationEvenAfterMoreThrowawayIdentitiesThanTheTimestampMemoryHolds() throws Exception {
        connectOverIk();
        Datagram initiation = net.tap.stream().filter(d -> typeOf(d) == FrameType.INITIATION_IK).findFirst()
                .orElseThrow();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i <= LinkTable.MAX_TIMESTAMPS; i++) {
            byte[] seed = new byte[Identity.PRIVATE_KEY_SIZE];
            random.nextBytes(seed);
            LocalPeer throwaway = new LocalPeer(Identity.fromPrivateKey(seed), X25519.generate(new SecureRandom()),
                    "t" + i);
            Handshaker handshaker = new Handshaker(throwaway, () -> X25519.generate(new SecureRandom()));
            byte[] frame = handshaker.initiate(NoisePattern.IK, bob.self.agreementKey(), i + 1, i + 1,
                    net.clock.millis()).frame(null);
            InetSocketAddress source = new InetSocketAddress("203.0.113." + (1 + i % 250), 10_000 + i);
            net.inject(new Datagram(source, bob.address, frame, null));
            net.run(Duration.ofMillis(20)); // 50 a second: below the load threshold
        }
        assertThat(bob.table.dropped(LinkTable.Drop.COOKIE_SENT)).as("never under load").isZero();
        int before = net.tap.size();

        net.inject(new Datagram(MALLORY_AT, bob.address, initiation.bytes(), null));
        net.run(Duration.ofMillis(200));

        assertThat(bob.table.dropped(LinkTable.Drop.REPLAYED_HANDSHAKE)).isEqualTo(1);
        assertThat(net.tap.subList(before, net.tap.size())).noneMatch(d -> typeOf(d) == FrameType.RESPONSE_IK);
        long receipt = alice.send(bob, "undisturbed");
        net.run(Duration.ofMillis(200));
        assertThat(bob.received).containsExactly("undisturbed");
        assertThat(alice.delivered).containsExactly(receipt);
    }

    @Test
    void shouldAnswerARepeatedInitiationWithTheSameAnswerAndNoNewConversation() {
        alice.connect(bob, bob.address);
        net.deliverAll(); // bob answers the first initiation
        Datagram initiation = net.tap.stream().filter(d -> typeOf(d) == FrameType.INITIATION_IK).findFirst()
                .orElseThrow();
        Datagram answer = net.tap.stream().filter(d -> typeOf(d) == FrameType.RESPONSE_IK).findFirst().orElseThrow();

        net.inject(new Datagram(alice.address, bob.address, initiation.bytes(), null));

        Datagram again = net.tap.get(net.tap.size() - 1);
        assertThat(again.bytes()).as("the same answer, no new keys").isEqualTo(answer.bytes());
        assertThat(again.bytes().length).as("never more than what came").isLessThanOrEqualTo(
                initiation.bytes().length);
        net.run(Duration.ofMillis(200));
        assertThat(bob.connected).containsExactly("alice");
    }

    @Test
    void shouldAnswerAForgedSourcesXxInitiationsWithNoMoreBytesAndKeepNoConversation() {
        alice.table.connect(bob.address, "bob's address");
        net.deliverAll();
        Datagram initiation = net.tap.stream().filter(d -> typeOf(d) == FrameType.INITIATION_XX).findFirst()
                .orElseThrow();
        int before = net.tap.size();

        for (int i = 0; i < 50; i++) {
            net.inject(new Datagram(new InetSocketAddress("203.0.113.7", 1000 + i), bob.address,
                    initiation.bytes(), null));
        }
        net.run(Duration.ofSeconds(11));

        long sent = net.tap.subList(before, net.tap.size()).stream().filter(d -> d.from().equals(bob.address))
                .filter(d -> d.to().getAddress().getHostAddress().equals("203.0.113.7"))
                .mapToLong(d -> d.bytes().length).sum();
        assertThat(sent).as("reflected bytes").isLessThanOrEqualTo(50L * initiation.bytes().length);
        assertThat(bob.connected).as("only alice's own handshake finished").containsExactly("alice");
    }

    @Test
    void shouldAnswerAFloodOfInitiationsWithSmallCookieRepliesAndStillLetAFriendConnect() {
        // A flood of valid IK initiations from ever new keys and forged addresses, as fast as they come.
        SimNet floodNet = new SimNet();
        Node target = floodNet.node("bob", "192.0.2.2", 2);
        Node friend = floodNet.node("alice", "192.0.2.1", 1);
        long floodIn = 0;
        long floodOut = 0;
        int before = floodNet.tap.size();
        for (int round = 0; round < 20; round++) {
            for (int i = 0; i < 25; i++) {
                Node stranger = floodNet.node("s" + round + "x" + i, "10.9." + round + "." + (i + 1),
                        1000 + round * 100 + i);
                stranger.connect(target, target.address);
                floodNet.nodes.remove(stranger); // forged sources: answers to them go nowhere
            }
            if (round == 5) {
                friend.connect(target, target.address);
            }
            floodNet.run(Duration.ofMillis(50));
        }
        floodNet.run(Duration.ofSeconds(2));

        for (Datagram datagram : floodNet.tap.subList(before, floodNet.tap.size())) {
            boolean stranger = datagram.from().getAddress().getHostAddress().startsWith("10.9.")
                    || datagram.to().getAddress().getHostAddress().startsWith("10.9.");
            if (stranger && datagram.to().equals(target.address)) {
                floodIn += datagram.bytes().length;
            } else if (stranger) {
                floodOut += datagram.bytes().length;
            }
        }
        assertThat(target.table.dropped(LinkTable.Drop.COOKIE_SENT)).as("answered with cookies").isPositive();
        assertThat(floodOut).as("bytes back to the flood").isPositive().isLessThanOrEqualTo(floodIn);
        assertThat(friend.connected).as("the friend got a cookie, proved its address and connected")
                .containsExactly("bob");
        long receipt = friend.send(target, "made it");
        floodNet.run(Duration.ofMillis(300));
        assertThat(target.received).containsExactly("made it");
        assertThat(friend.delivered).containsExactly(receipt);
    }

    @Test
    void shouldRekeyEveryTwoMinutesWithoutLosingAMessageAndDropOldKeysWithinThree() {
        connectOverIk();
        Datagram early = net.tap.stream().filter(d -> typeOf(d) == FrameType.TRANSPORT)
                .filter(d -> d.to().equals(bob.address)).findFirst().orElseThrow();
        for (int minute = 0; minute < 8; minute++) {
            for (int i = 0; i < 3; i++) {
                alice.send(bob, "m" + minute + "." + i);
                bob.send(alice, "r" + minute + "." + i);
                net.run(Duration.ofSeconds(10));
            }
            net.run(Duration.ofSeconds(30));
        }

        long initiations = net.tap.stream().filter(d -> typeOf(d) == FrameType.INITIATION_IK).count();
        assertThat(initiations).as("a rekey every two minutes of the eight").isGreaterThanOrEqualTo(4);
        assertThat(bob.received).hasSize(24).doesNotHaveDuplicates();
        assertThat(alice.received).hasSize(24).doesNotHaveDuplicates();
        assertThat(alice.failed).isEmpty();
        assertThat(alice.disconnected).isEmpty();
        long unknownBefore = bob.table.dropped(LinkTable.Drop.UNKNOWN_INDEX);
        net.inject(new Datagram(alice.address, bob.address, early.bytes(), null));
        assertThat(bob.table.dropped(LinkTable.Drop.UNKNOWN_INDEX)).as("the first keys are gone")
                .isEqualTo(unknownBefore + 1);
    }

    @Test
    void shouldStartAFreshConversationWhenThePeerRestartedAndSayWhatFailed() {
        connectOverIk();
        alice.send(bob, "before");
        net.run(Duration.ofMillis(200));

        bob.restart(PeerSession.Timers.DEFAULT);
        bob.connect(alice, alice.address);
        net.run(Duration.ofSeconds(1));
        long receipt = alice.send(bob, "after the restart");
        net.run(Duration.ofMillis(300));

        assertThat(alice.disconnected).containsExactly("the peer restarted");
        assertThat(alice.connected).containsExactly("bob", "bob");
        assertThat(bob.received).containsExactly("before", "after the restart");
        assertThat(alice.delivered).contains(receipt);
    }

    @Test
    void shouldRefuseAHandshakeFromABlockedKeyAndFromItsOwnKey() {
        bob.blocked.add(alice.key());
        alice.connect(bob, bob.address);
        net.run(Duration.ofSeconds(1));

        assertThat(bob.table.dropped(LinkTable.Drop.BLOCKED)).isPositive();
        assertThat(bob.connected).isEmpty();
        assertThat(alice.connected).isEmpty();

        Node twin = net.node("bob-twin", "192.0.2.9", 2); // the same keys as bob
        twin.connect(bob, bob.address);
        long blockedBefore = bob.table.dropped(LinkTable.Drop.BLOCKED);
        net.run(Duration.ofSeconds(1));
        assertThat(bob.table.dropped(LinkTable.Drop.BLOCKED)).isGreaterThan(blockedBefore);
    }

    @Test
    void shouldDropGarbageAndFramesForNoKeysAndCountThem() {
        net.inject(new Datagram(MALLORY_AT, bob.address, new byte[] {1, 2, 3, 4, 5}, null));
        byte[] transport = new byte[PeerWire.MIN_TRANSPORT_SIZE];
        ByteBuffer.wrap(transport).putShort((short) Wire.MAGIC).put((byte) Wire.VERSION)
                .put((byte) FrameType.TRANSPORT.code()).putInt(12345);
        net.inject(new Datagram(MALLORY_AT, bob.address, transport, null));
        byte[] initiation = new byte[PeerWire.INITIATION_IK_SIZE];
        ByteBuffer.wrap(initiation).putShort((short) Wire.MAGIC).put((byte) Wire.VERSION)
                .put((byte) FrameType.INITIATION_IK.code());
        net.inject(new Datagram(MALLORY_AT, bob.address, initiation, null));

        assertThat(bob.table.dropped(LinkTable.Drop.MALFORMED)).isEqualTo(1);
        assertThat(bob.table.dropped(LinkTable.Drop.UNKNOWN_INDEX)).isEqualTo(1);
        assertThat(bob.table.dropped(LinkTable.Drop.BAD_MAC)).isEqualTo(1);
        assertThat(net.tap).as("nothing is ever answered").isEmpty();
    }

    @Test
    void shouldFallBackToTheRelayWhenTheDirectPathFallsSilentAndGoBackWhenAProbeGetsThrough() {
        PeerSession.Timers quick = new PeerSession.Timers(100, 3_000, 5_000, 15_000, 1_000, 5_000, 120_000);
        SimNet quickNet = new SimNet();
        Node a = quickNet.node("alice", "192.0.2.1", 1, quick);
        Node b = quickNet.node("bob", "192.0.2.2", 2, quick);
        a.connect(b, b.address);
        quickNet.run(Duration.ofMillis(300));
        assertThat(a.session(b).route().relayed()).isFalse();

        quickNet.directBlocked = true;
        for (int i = 0; i < 5; i++) {
            a.send(b, "during the outage " + i);
        }
        quickNet.run(Duration.ofSeconds(4));
        assertThat(a.session(b).route().relayed()).as("fell back").isTrue();
        assertThat(b.received).hasSize(5);

        quickNet.directBlocked = false;
        quickNet.run(Duration.ofSeconds(6)); // the next upgrade asks for an introduction
        assertThat(a.introductionsWanted).isNotEmpty();
        a.connect(b, b.address); // what the lookup found: probed, and a direct path answers
        quickNet.run(Duration.ofSeconds(1));
        assertThat(a.session(b).route()).isEqualTo(Route.direct(b.address));
        for (int i = 0; i < 5; i++) {
            a.send(b, "back on the direct path " + i);
        }
        quickNet.run(Duration.ofSeconds(1));
        assertThat(b.received).hasSize(10).doesNotHaveDuplicates();
        assertThat(a.failed).isEmpty();
    }

    @Test
    void shouldFollowAPeerWhoseNatMappingMovedOnItsFirstFreshFrame() {
        connectOverIk();
        bob.address = new InetSocketAddress("192.0.2.200", 5555); // bob's router got a new public address
        bob.send(alice, "from my new address");
        net.run(Duration.ofMillis(300));
        long receipt = alice.send(bob, "found you there");
        net.run(Duration.ofMillis(300));

        assertThat(alice.received).containsExactly("from my new address");
        assertThat(alice.session(bob).route()).isEqualTo(Route.direct(bob.address));
        assertThat(bob.received).containsExactly("found you there");
        assertThat(alice.delivered).containsExactly(receipt);
    }

    @Test
    void shouldCloseBothSidesWithAGoodbyeAndAnUnansweringPeerAfterItsSilence() {
        connectOverIk();
        alice.table.close(bob.key(), "closed here", true);
        net.run(Duration.ofMillis(100));
        assertThat(bob.disconnected).containsExactly("said goodbye");

        Node carol = net.node("carol", "192.0.2.3", 3);
        alice.connect(carol, carol.address);
        net.run(Duration.ofMillis(300));
        net.nodes.remove(carol); // gone without a word
        net.run(Duration.ofSeconds(16));
        assertThat(alice.disconnected).contains("unreachable: nothing heard for 15 s");
        assertThat(alice.table.hasConversation(carol.key())).isFalse();
    }

    @Test
    void shouldGiveUpConnectingToAnAddressWhereNobodyAnswers() {
        alice.table.connect(new InetSocketAddress("192.0.2.77", 7), "192.0.2.77:7");
        net.run(Duration.ofSeconds(11));

        assertThat(alice.connectFailed).containsExactly("192.0.2.77:7: no answer to the handshake within 10 s");
        assertThat(alice.table.paths().failed()).isEqualTo(1);
        assertThat(net.tap).allMatch(d -> typeOf(d) == FrameType.INITIATION_XX);
    }

    @Test
    void shouldHoldNoMoreXxHandshakesThanItsBoundAndCountWhatItDropped() {
        alice.table.connect(bob.address, "bob's address");
        net.deliverAll();
        for (int i = 0; i < LinkTable.MAX_WAITING_XX + 10; i++) {
            Node stranger = net.node("x" + i, "10.8." + (i / 200) + "." + (i % 200 + 1), 5000 + i);
            stranger.table.connect(bob.address, "bob");
            net.nodes.remove(stranger); // bob's answer goes nowhere: it never finishes
            net.deliverAll();
            net.clock.advance(Duration.ofMillis(20)); // not so fast that bob counts it as a flood
        }

        assertThat(bob.table.dropped(LinkTable.Drop.COOKIE_SENT)).as("not a flood at this pace").isZero();
        assertThat(bob.table.dropped(LinkTable.Drop.TOO_MANY_HANDSHAKES)).isPositive();
        assertThat(bob.connected).containsExactly("alice");
    }

    /** A sanity check on the simulated wire itself, so the attack tests above cannot pass by accident. */
    @Test
    void shouldSeeTheFramesOnTheTapThatTheAttackTestsRelyOn() {
        connectOverIk();
        alice.send(bob, "x");
        net.run(Duration.ofMillis(100));
        assertThat(net.tap).extracting(LinkTableTest::typeOf).contains(FrameType.INITIATION_IK,
                FrameType.RESPONSE_IK, FrameType.TRANSPORT);
        Octets aliceKey = alice.key();
        assertThat(bob.session(alice).remoteKey()).isEqualTo(aliceKey);
        assertThat(bob.session(alice).remoteName()).isEqualTo("alice");
    }
}
