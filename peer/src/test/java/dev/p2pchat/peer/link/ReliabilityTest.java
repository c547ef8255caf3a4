package dev.p2pchat.peer.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.LinkFrame.AckBlock;
import dev.p2pchat.protocol.peer.LinkFrame.AckEntry;
import dev.p2pchat.protocol.peer.LinkFrame.Data;
import dev.p2pchat.protocol.peer.PeerWire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The outbox and inbox as pure logic, on a simulated clock: acknowledgements, timing, order, bounds, giving up. */
@Timeout(30)
class ReliabilityTest {
    private final List<Long> delivered = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private final RttEstimator rtt = new RttEstimator();
    private final Outbox outbox = new Outbox(rtt, new Outbox.Outcome() {
        @Override
        public void delivered(long messageId) {
            delivered.add(messageId);
        }

        @Override
        public void failed(long messageId, String reason) {
            failed.add(messageId + ": " + reason);
        }
    });
    private final ReceiveBudget memory = new ReceiveBudget();
    private final Inbox inbox = new Inbox(memory.share(() -> false));

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Data data(long id, int total, int offset, byte[] payload) {
        return new Data(AckBlock.NONE, id, ContentKind.TEXT, total, offset, Octets.of(payload));
    }

    private static Data data(Outbox.Send send) {
        return new Data(AckBlock.NONE, send.messageId(), send.kind(), send.total(), send.offset(),
                Octets.of(send.content(), send.offset(), send.length()));
    }

    private List<Outbox.Send> poll(long now) {
        return outbox.poll(now, new ArrayList<>());
    }

    @Test
    void shouldReportAMessageDeliveredOnlyOnceTheReceiversCursorPassedIt() {
        outbox.enqueue(ContentKind.TEXT, text("hello"));
        List<Outbox.Send> sent = poll(0);
        assertThat(sent).singleElement().satisfies(send -> {
            assertThat(send.messageId()).isEqualTo(1);
            assertThat(send.length()).isEqualTo(5);
        });

        outbox.acknowledge(new AckBlock(1, List.of(new AckEntry(1, 0, 5))), 40);
        assertThat(delivered).as("kept by the receiver is not handed on").isEmpty();
        assertThat(poll(5_000)).as("but it is not sent again").isEmpty();

        outbox.acknowledge(new AckBlock(2, List.of()), 50);
        assertThat(delivered).containsExactly(1L);
        assertThat(outbox.idle()).isTrue();
        assertThat(rtt.smoothedMillis()).isEqualTo(40);
    }

    @Test
    void shouldRetransmitAfterTheTimeoutAndDoubleItWhileNothingIsAcknowledged() {
        outbox.enqueue(ContentKind.TEXT, text("lost"));
        poll(0);

        assertThat(poll(999)).isEmpty();
        assertThat(poll(1000)).hasSize(1); // the initial timeout: 1 s
        assertThat(poll(2999)).isEmpty();
        assertThat(poll(3000)).hasSize(1); // then 2 s
        assertThat(outbox.retransmissions()).isEqualTo(2);
    }

    @Test
    void shouldSampleTheRoundTripOnlyFromTheNewestPieceAndOnlyIfItWasSentOnce() {
        outbox.enqueue(ContentKind.TEXT, text("one"));
        poll(0);
        outbox.enqueue(ContentKind.TEXT, text("two"));
        poll(900); // the first waits at the receiver for a gap, say; the cursor passes both at 1000

        outbox.acknowledge(new AckBlock(3, List.of()), 1000);

        assertThat(delivered).containsExactly(1L, 2L);
        assertThat(rtt.smoothedMillis()).as("from the newest: 100 ms, not 1,000").isEqualTo(100);
    }

    @Test
    void shouldCutTheLargestMessageIntoPiecesAndRefuseALargerOne() {
        assertThat(outbox.enqueue(ContentKind.TEXT, new byte[PeerWire.MAX_MESSAGE_SIZE + 1])).isEqualTo(-1);
        outbox.enqueue(ContentKind.TEXT, new byte[PeerWire.MAX_MESSAGE_SIZE]);

        List<Outbox.Send> sent = poll(0);

        assertThat(sent).hasSize(62).allMatch(send -> send.length() <= PeerWire.MAX_PIECE)
                .allMatch(send -> send.total() == PeerWire.MAX_MESSAGE_SIZE);
        assertThat(sent.stream().mapToInt(Outbox.Send::length).sum()).isEqualTo(PeerWire.MAX_MESSAGE_SIZE);
    }

    @Test
    void shouldKeepAtMostAWindowOfPiecesInFlightAndRefuseBeyondTheQueueBound() {
        for (int i = 0; i < 100; i++) {
            outbox.enqueue(ContentKind.TEXT, text("m" + i));
        }
        assertThat(poll(0)).hasSize(Outbox.WINDOW);
        outbox.acknowledge(new AckBlock(11, List.of()), 10);
        assertThat(poll(10)).as("room for ten more").hasSize(10);

        Outbox full = new Outbox(new RttEstimator(), outboxOutcomes());
        for (int i = 0; i < Outbox.MAX_QUEUED_MESSAGES; i++) {
            assertThat(full.enqueue(ContentKind.TEXT, new byte[1])).isPositive();
        }
        assertThat(full.enqueue(ContentKind.TEXT, new byte[1])).isEqualTo(-1);
    }

    @Test
    void shouldAbandonAMessageAfterItsTriesAndSettleItOnlyByThePeersAnswer() {
        outbox.enqueue(ContentKind.TEXT, text("never gets through"));
        outbox.enqueue(ContentKind.TEXT, text("gets through"));
        long now = 0;
        List<Long> skips = new ArrayList<>();
        for (int round = 0; round < 200 && skips.isEmpty(); round++) {
            outbox.poll(now, skips);
            outbox.acknowledge(new AckBlock(1, List.of(new AckEntry(2, 0, 12))), now + 1); // the peer answers
            now += 10_000;
        }
        assertThat(skips).as("abandoned, and a SKIP asks the peer to pass over it").containsExactly(1L);
        assertThat(failed).as("not yet: only the peer's answer says").isEmpty();

        outbox.skipped(1, false);
        assertThat(failed).singleElement().asString().startsWith("1: not delivered");
        outbox.acknowledge(new AckBlock(3, List.of()), now);
        assertThat(delivered).containsExactly(2L);
    }

    @Test
    void shouldReportAnAbandonedMessageDeliveredWhenThePeerHadHandedItOnAfterAll() {
        outbox.enqueue(ContentKind.TEXT, text("only the acknowledgements were lost"));
        List<Long> skips = new ArrayList<>();
        for (long now = 0; skips.isEmpty(); now += 20_000) {
            outbox.poll(now, skips);
        }

        outbox.skipped(1, true);

        assertThat(delivered).containsExactly(1L);
        assertThat(failed).isEmpty();
    }

    @Test
    void shouldCutPiecesSmallWhenLargeOnesGoUnansweredWhileThePeerAnswersSmallFrames() {
        outbox.enqueue(ContentKind.TEXT, new byte[3 * PeerWire.MAX_PIECE]);
        long now = 0;
        List<Outbox.Send> sent = poll(now);
        assertThat(sent).hasSize(3).allMatch(send -> send.length() == PeerWire.MAX_PIECE);
        for (int i = 0; i < Outbox.BLACK_HOLE_TRIES && !outbox.smallPieces(); i++) {
            now += 20_000;
            outbox.heard(now - 1); // a PONG: small frames pass
            sent = poll(now);
        }

        assertThat(outbox.smallPieces()).isTrue();
        assertThat(sent).isNotEmpty().allMatch(send -> send.length() <= Outbox.SMALL_PIECE);
        int covered = sent.stream().mapToInt(Outbox.Send::length).sum();
        assertThat(covered).as("every byte not yet acknowledged, cut anew").isEqualTo(3 * PeerWire.MAX_PIECE);
        outbox.largeDatagramsPass();
        assertThat(outbox.smallPieces()).isFalse();
    }

    @Test
    void shouldHandMessagesOnInTheSendersOrderOnceAndAcknowledgeDuplicates() {
        assertThat(inbox.receive(data(2, 1, 0, text("b")))).as("waits for 1").isEmpty();
        assertThat(inbox.ackBlock(64)).isEqualTo(new AckBlock(1, List.of(new AckEntry(2, 0, 1))));
        assertThat(inbox.receive(data(1, 1, 0, text("a")))).extracting(Inbox.Received::messageId)
                .containsExactly(1L, 2L);
        assertThat(inbox.receive(data(1, 1, 0, text("a")))).isEmpty();
        assertThat(inbox.ackDue()).as("a duplicate is acknowledged again").isTrue();
        assertThat(inbox.ackBlock(64)).isEqualTo(new AckBlock(3, List.of()));
        assertThat(inbox.duplicates()).isEqualTo(1);
    }

    @Test
    void shouldReassemblePiecesArrivingInAnyOrderHoweverTheyWereCut() {
        byte[] message = new byte[3000];
        Arrays.fill(message, (byte) 'q');
        message[2999] = 'z';
        assertThat(inbox.receive(data(1, 3000, 2000, Arrays.copyOfRange(message, 2000, 3000)))).isEmpty();
        assertThat(inbox.receive(data(1, 3000, 0, Arrays.copyOfRange(message, 0, 455)))).isEmpty();
        assertThat(inbox.receive(data(1, 3000, 300, Arrays.copyOfRange(message, 300, 1300)))).isEmpty();
        List<Inbox.Received> done = inbox.receive(data(1, 3000, 1300, Arrays.copyOfRange(message, 1300, 2000)));

        assertThat(done).singleElement().satisfies(received -> assertThat(received.content()).isEqualTo(message));
        assertThat(inbox.bufferedBytes()).isZero();
    }

    @Test
    void shouldNeitherKeepNorAcknowledgeMessagesTooFarAheadOrContradictory() {
        assertThat(inbox.receive(data(1 + Inbox.MAX_AHEAD, 3, 0, text("far")))).isEmpty();
        assertThat(inbox.ackBlock(64).entries()).isEmpty();
        inbox.receive(data(2, 10, 0, text("12345")));
        inbox.receive(data(2, 11, 5, text("67890")));
        assertThat(inbox.ackBlock(64).entries()).containsExactly(new AckEntry(2, 0, 5));
    }

    @Test
    void shouldSkipAMessageTheSenderGaveUpOnAndHandOnTheOnesBehindIt() {
        inbox.receive(data(2, 1, 0, text("b")));
        inbox.receive(data(3, 1, 0, text("c")));

        Inbox.Skip skip = inbox.skip(1);

        assertThat(skip.delivered()).isFalse();
        assertThat(skip.nowDeliverable()).extracting(Inbox.Received::messageId).containsExactly(2L, 3L);
        assertThat(inbox.skip(1).delivered()).as("asked again, the same answer").isFalse();
        assertThat(inbox.skip(2).delivered()).as("2 was handed on").isTrue();
        assertThat(inbox.receive(data(1, 4, 0, text("late")))).as("a skipped message never shows").isEmpty();
        assertThat(inbox.cursor()).isEqualTo(4);
    }

    /** A SKIP asked again so late that the skip is forgotten gets no answer: never "delivered" for a skipped one. */
    @Test
    void shouldNotAnswerASkipWhoseOutcomeIsForgottenRatherThanSayDelivered() {
        for (long id = 1; id <= Inbox.SKIPPED_MEMORY + 1; id++) {
            assertThat(inbox.skip(id).delivered()).isFalse();
        }
        inbox.receive(data(Inbox.SKIPPED_MEMORY + 2, 5, 0, text("shown")));

        assertThat(inbox.skip(1)).as("skipped, and forgotten since").isNull();
        assertThat(inbox.skip(2).delivered()).as("skipped, still remembered").isFalse();
        assertThat(inbox.skip(Inbox.SKIPPED_MEMORY + 2).delivered()).as("handed on").isTrue();
    }

    @Test
    void shouldAlwaysKeepTheMessageAtTheCursorEvenWhenTheBufferIsFull() {
        for (long id = 2; inbox.bufferedBytes() + PeerWire.MAX_MESSAGE_SIZE <= Inbox.MAX_BUFFERED_BYTES; id++) {
            inbox.receive(data(id, PeerWire.MAX_MESSAGE_SIZE, 0, new byte[PeerWire.MAX_PIECE]));
        }
        long full = inbox.bufferedBytes();
        inbox.receive(data(200, PeerWire.MAX_MESSAGE_SIZE, 0, new byte[PeerWire.MAX_PIECE]));
        assertThat(inbox.bufferedBytes()).as("no room for more").isEqualTo(full);

        assertThat(inbox.receive(data(1, 1, 0, text("a")))).as("what everything waits for is kept")
                .extracting(Inbox.Received::messageId).containsExactly(1L);
    }

    /**
     * Partial 64 KiB messages from 59 strangers exhausted a 128 MiB heap, 2 MiB per conversation. The memory is now
     * shared: strangers' partial messages hold at most {@link ReceiveBudget#STRANGERS} in all, friends still get
     * theirs kept, and what a finished or closed conversation held comes back.
     */
    @Test
    void shouldBoundWhatStrangersPartialMessagesHoldTogetherAndKeepAFriendsMessage() {
        List<Inbox> strangers = new ArrayList<>();
        for (int conversation = 0; conversation < 59; conversation++) {
            Inbox stranger = new Inbox(memory.share(() -> true));
            strangers.add(stranger);
            for (long id = 1; id <= 40; id++) { // every message but its last piece
                stranger.receive(data(id, PeerWire.MAX_MESSAGE_SIZE, 0, new byte[PeerWire.MAX_PIECE]));
            }
        }

        assertThat(memory.used()).isLessThanOrEqualTo(ReceiveBudget.STRANGERS);
        assertThat(memory.refused()).as("pieces not kept, to come again").isPositive();
        Inbox friend = new Inbox(memory.share(() -> false));
        byte[] whole = new byte[PeerWire.MAX_PIECE];
        friend.receive(data(1, 2 * PeerWire.MAX_PIECE, 0, whole));
        assertThat(friend.receive(data(1, 2 * PeerWire.MAX_PIECE, PeerWire.MAX_PIECE, whole)))
                .as("a friend's message is kept and delivered").hasSize(1);

        strangers.forEach(Inbox::releaseAll);
        assertThat(memory.used()).as("everything given back").isZero();
    }

    private Outbox.Outcome outboxOutcomes() {
        return new Outbox.Outcome() {
            @Override
            public void delivered(long messageId) {}

            @Override
            public void failed(long messageId, String reason) {}
        };
    }
}
