package dev.p2pchat.peer.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.api.ChatException;
import dev.p2pchat.peer.api.HistoryEntry;
import dev.p2pchat.peer.api.MessageId;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.peer.ChatContent;
import dev.p2pchat.protocol.peer.ContentKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages that outlive their conversation, on a fake clock: queued while the peer is away, kept across a crash of
 * either side, shown exactly once and in order whatever was resent, failed only by a cancel or by expiry.
 */
@Timeout(120)
class DurableMessagesTest {
    private final ChatNet net = new ChatNet();
    private final ChatNet.Node alice;
    private final ChatNet.Node bob;

    DurableMessagesTest(@TempDir Path directory) {
        alice = net.add("alice", 1, directory.resolve("alice")).start();
        bob = net.add("bob", 2, directory.resolve("bob")).start();
    }

    @AfterEach
    void close() {
        net.close();
    }

    /** Today a message to a friend who is away was refused: "not connected". */
    @Test
    void shouldQueueForAPeerThatIsOfflineAndDeliverInOrderOnceItIsBack() {
        meet();
        bob.down = true;
        net.run(Duration.ofSeconds(20)); // the conversation ends in the silence

        List<MessageId> ids = queue(alice, bob, texts("while away", 20));
        net.run(Duration.ofSeconds(5));
        // Left at the tracker too, and still waiting here for bob's receipt.
        assertThat(alice.engine.queued()).hasSize(20).allSatisfy(waiting -> {
            assertThat(waiting.state()).isEqualTo(HistoryEntry.State.SENT);
            assertThat(waiting.reason()).isEqualTo("in the tracker's mailbox");
        });

        bob.down = false;
        net.run(Duration.ofSeconds(15));

        assertThat(shown(bob)).containsExactlyElementsOf(texts("while away", 20));
        assertThat(delivered(alice)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(alice.engine.queued()).isEmpty();
        assertThat(failed(alice)).isEmpty();
        // The same messages by the other path, once bob fetches his mail: each is shown once all the same.
        assertThat(net.mailFor(bob)).isEqualTo(20);
        bob.restart();
        net.run(Duration.ofSeconds(2));
        assertThat(shown(bob)).hasSize(20);
        assertThat(net.mailFor(bob)).isZero();
    }

    /**
     * A 40 s outage lost 698 of 960 queued messages: after 15 s of silence the conversation closed and failed
     * everything queued, and nothing was resent when the network returned.
     */
    @Test
    void shouldLoseNothingInAFortySecondOutageWhileMessagesAreBeingWritten() {
        meet();
        List<String> written = new ArrayList<>();
        List<MessageId> ids = new ArrayList<>();
        for (int second = 0; second < 60; second++) {
            if (second == 10) {
                alice.down = true;
            }
            if (second == 50) {
                alice.down = false;
            }
            List<String> batch = texts("second " + second, 16);
            ids.addAll(queue(alice, bob, batch));
            written.addAll(batch);
            net.run(Duration.ofSeconds(1));
        }
        net.run(Duration.ofSeconds(20));

        assertThat(shown(bob)).as("shown once each, in order").containsExactlyElementsOf(written);
        assertThat(delivered(alice)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(failed(alice)).isEmpty();
    }

    /** The sender killed with 100 typed and unacknowledged messages: 0 of 100 were ever sent. */
    @Test
    void shouldSendWhatACrashedSenderLeftQueuedOnceItStartsAgain() {
        meet();
        bob.down = true;
        List<String> texts = texts("typed before the crash", 100);
        List<MessageId> ids = queue(alice, bob, texts);
        net.run(Duration.ofSeconds(2));

        alice.restart();
        assertThat(alice.engine.queued()).extracting(HistoryEntry::id).containsExactlyElementsOf(ids);
        bob.down = false;
        net.run(Duration.ofSeconds(20));

        assertThat(shown(bob)).containsExactlyElementsOf(texts);
        assertThat(delivered(alice)).containsExactlyInAnyOrderElementsOf(ids);
        CompletableFuture<List<HistoryEntry>> history = alice.engine.history(bob.key(), 1_000);
        net.run(Duration.ofMillis(100));
        assertThat(history.join()).hasSize(100).allSatisfy(entry ->
                assertThat(entry.state()).isEqualTo(HistoryEntry.State.DELIVERED));
    }

    /**
     * Receipts lost on the way back, the receiver restarted, the sender sends again on a new conversation: the
     * receiver knows the ids it stored, so it shows each message once and acknowledges it again.
     */
    @Test
    void shouldShowAMessageOnceWhenItArrivesAgainAfterItsReceiptWasLostAndTheReceiverRestarted() {
        meet();
        net.lose = datagram -> datagram.from().equals(bob.at); // nothing from bob: no link ack, no receipt
        List<String> texts = texts("acknowledged late", 10);
        List<MessageId> ids = queue(alice, bob, texts);
        net.run(Duration.ofSeconds(3));
        assertThat(shown(bob)).as("stored and shown at once").containsExactlyElementsOf(texts);
        assertThat(delivered(alice)).isEmpty();

        bob.restart();
        net.lose = datagram -> false;
        net.run(Duration.ofSeconds(30));

        assertThat(shown(bob)).as("shown once, across the restart").containsExactlyElementsOf(texts);
        assertThat(delivered(alice)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(net.lost).isPositive();
    }

    @Test
    void shouldFailAMessageThatOutlivedItsTimeAndNoSooner() {
        alice.crash();
        alice.messageTtl = Duration.ofMinutes(2);
        alice.start();
        meet();
        bob.down = true;
        net.run(Duration.ofSeconds(20));
        MessageId id = queue(alice, bob, List.of("too late")).get(0);

        net.run(Duration.ofSeconds(100));
        assertThat(failed(alice)).isEmpty();
        net.run(Duration.ofSeconds(30));

        assertThat(alice.events).filteredOn(PeerEvent.Failed.class::isInstance).singleElement()
                .satisfies(event -> {
                    PeerEvent.Failed failed = (PeerEvent.Failed) event;
                    assertThat(failed.id()).isEqualTo(id);
                    assertThat(failed.reason()).isEqualTo("expired: not delivered within 2m");
                });
        assertThat(alice.engine.queued()).isEmpty();
        bob.down = false;
        net.run(Duration.ofSeconds(20));
        assertThat(shown(bob)).as("an expired message is never sent").isEmpty();
    }

    @Test
    void shouldCancelAWaitingMessageByTheStartOfItsIdButNotOneOnItsWay() {
        meet();
        bob.down = true;
        net.run(Duration.ofSeconds(20));
        List<MessageId> ids = queue(alice, bob, List.of("keep", "drop"));

        HistoryEntry cancelled = alice.engine.cancel(ids.get(1).shortForm());

        assertThat(cancelled.state()).isEqualTo(HistoryEntry.State.FAILED);
        assertThat(cancelled.reason()).isEqualTo("cancelled");
        assertThatThrownBy(() -> alice.engine.cancel("ab")).isInstanceOf(ChatException.class)
                .hasMessageContaining("at least 4 hex digits");
        assertThatThrownBy(() -> alice.engine.cancel(ids.get(1).shortForm())).isInstanceOf(ChatException.class)
                .hasMessageContaining("no waiting message");
        bob.down = false;
        net.run(Duration.ofSeconds(15));
        assertThat(shown(bob)).containsExactly("keep");

        net.lose = datagram -> datagram.from().equals(bob.at);
        MessageId onItsWay = queue(alice, bob, List.of("on its way")).get(0);
        net.run(Duration.ofMillis(500));
        assertThatThrownBy(() -> alice.engine.cancel(onItsWay.hex())).isInstanceOf(ChatException.class)
                .hasMessageContaining("on its way already");
    }

    /** A receipt that names what the sender never sent, or is malformed, settles nothing. */
    @Test
    void shouldSettleNothingOnAReceiptForMessagesNeverSentOrAMalformedOne() {
        meet();
        net.lose = datagram -> datagram.from().equals(alice.at); // alice's message never reaches bob
        MessageId waiting = queue(alice, bob, List.of("waiting")).get(0);

        bob.engine.links().offer(alice.key(), ContentKind.RECEIPT, new byte[16], 0);
        bob.engine.links().offer(alice.key(), ContentKind.RECEIPT, new byte[17], 0);
        net.run(Duration.ofSeconds(1));

        assertThat(alice.engine.badContent()).as("the malformed one").isEqualTo(1);
        assertThat(delivered(alice)).isEmpty();
        assertThat(alice.engine.queued()).extracting(HistoryEntry::id).containsExactly(waiting);
        assertThat(net.lost).isPositive();
    }

    // ---- helpers ----

    /**
     * The recipient away the whole time the sender is on (its mail waits at the tracker), then the sender away when
     * the recipient comes back: the messages come by mail, the receipt goes back the same way, once each.
     */
    @Test
    void shouldDeliverThroughTheTrackersMailboxAndBringTheReceiptBackTheSameWay() {
        meet();
        bob.down = true;
        bob.crash();
        net.run(Duration.ofSeconds(20));

        List<String> texts = texts("left in the mailbox", 5);
        texts = new ArrayList<>(texts);
        texts.add("x".repeat(ChatContent.MAX_TEXT_SIZE)); // the largest message, in many pieces
        List<MessageId> ids = queue(alice, bob, texts);
        net.run(Duration.ofSeconds(5));
        assertThat(net.mailFor(bob)).as("pieces waiting for bob").isGreaterThan(texts.size());
        assertThat(alice.engine.queued()).hasSize(texts.size()).allSatisfy(waiting -> {
            assertThat(waiting.state()).isEqualTo(HistoryEntry.State.SENT);
            assertThat(waiting.reason()).isEqualTo("in the tracker's mailbox");
        });
        assertThat(alice.events.stream().filter(PeerEvent.Sent.class::isInstance)
                .map(event -> ((PeerEvent.Sent) event).id())).containsExactlyInAnyOrderElementsOf(ids);

        alice.down = true;
        alice.crash();
        bob.down = false;
        bob.start();
        net.run(Duration.ofSeconds(5));
        assertThat(shown(bob)).as("once each, in order").containsExactlyElementsOf(texts);
        assertThat(net.mailFor(bob)).as("deleted once stored").isZero();
        assertThat(net.mailFor(alice)).as("the receipt, waiting for alice").isPositive();

        alice.down = false;
        alice.start();
        net.run(Duration.ofSeconds(5));
        assertThat(delivered(alice)).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(alice.engine.queued()).isEmpty();
        assertThat(net.mailFor(alice)).isZero();
        assertThat(failed(alice)).isEmpty();
        assertThat(shown(bob)).as("nothing shown twice once the two meet again").hasSize(texts.size());
    }

    /**
     * What another registered peer (or the tracker) can put in a mailbox: garbage, a piece that does not open, a
     * captured piece deposited again, a piece whose envelope never completes. Nothing of it is shown; garbage is
     * counted and deleted (the lone piece once it stayed alone for ten minutes); the copy is shown once.
     */
    @Test
    void shouldShowNothingForMailThatDoesNotOpenAndAReplayedPieceOnce() {
        meet();
        bob.down = true;
        bob.crash();
        net.run(Duration.ofSeconds(20));
        queue(alice, bob, List.of("the real one"));
        net.run(Duration.ofSeconds(2));
        var box = net.mail.get(bob.key());
        Octets captured = box.values().iterator().next();
        box.put(900L, captured); // replayed
        byte[] garbage = new byte[200];
        garbage[17] = 1; // one piece of one
        box.put(901L, Octets.of(garbage));
        box.put(902L, Octets.of(new byte[5])); // not even a piece
        byte[] lone = new byte[200];
        lone[0] = 7; // an envelope of its own
        lone[17] = 2; // the first of two pieces, the second never deposited
        box.put(903L, Octets.of(lone));

        bob.down = false;
        bob.start();
        net.run(Duration.ofSeconds(2));

        assertThat(shown(bob)).containsExactly("the real one");
        assertThat(bob.engine.unopenedMail()).isEqualTo(2);
        assertThat(net.mailFor(bob)).as("all of it deleted but the piece still waiting for its other").isEqualTo(1);
        bob.fetchMail();
        net.run(Duration.ofSeconds(1));
        assertThat(net.mailFor(bob)).as("a few minutes on, it may still come").isEqualTo(1);
        // Still alone ten minutes after it first came: abandoned, so it does not come back at every fetch.
        net.clock.advance(Duration.ofMinutes(10));
        bob.fetchMail();
        net.run(Duration.ofSeconds(1));
        assertThat(net.mailFor(bob)).isZero();
        assertThat(bob.engine.unopenedMail()).isEqualTo(3);
        assertThat(shown(bob)).containsExactly("the real one");
    }

    private void meet() {
        alice.connect(bob);
        net.run(Duration.ofSeconds(1));
    }

    private List<MessageId> queue(ChatNet.Node from, ChatNet.Node to, List<String> texts) {
        List<CompletableFuture<MessageId>> futures = texts.stream()
                .map(text -> from.engine.queueText(to.key(), text)).toList();
        net.run(Duration.ofMillis(100));
        return futures.stream().map(CompletableFuture::join).toList();
    }

    private static List<String> shown(ChatNet.Node node) {
        return node.events.stream().filter(PeerEvent.MessageReceived.class::isInstance)
                .map(event -> ((PeerEvent.MessageReceived) event).text()).toList();
    }

    private static List<MessageId> delivered(ChatNet.Node node) {
        return node.events.stream().filter(PeerEvent.Delivered.class::isInstance)
                .map(event -> ((PeerEvent.Delivered) event).id()).toList();
    }

    private static List<PeerEvent> failed(ChatNet.Node node) {
        return node.events.stream().filter(PeerEvent.Failed.class::isInstance).toList();
    }

    private static List<String> texts(String prefix, int count) {
        return IntStream.rangeClosed(1, count).mapToObj(i -> prefix + " " + i).toList();
    }
}
