package dev.p2pchat.peer.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.peer.ContentKind;
import dev.p2pchat.protocol.peer.PeerFrame.Data;
import dev.p2pchat.protocol.peer.PeerWire;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The outbox and inbox as pure logic, on a simulated clock: timing, ordering, duplicates, bounds, and loss. */
@Timeout(30)
class ReliabilityTest {
    private static final long SESSION = 42;
    private static final long GIVE_UP = 30_000;

    private final List<Long> delivered = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private final RttEstimator rtt = new RttEstimator();
    private final Outbox outbox = new Outbox(rtt, GIVE_UP, new Outbox.Outcome() {
        @Override
        public void delivered(long messageId) {
            delivered.add(messageId);
        }

        @Override
        public void failed(long messageId, String reason) {
            failed.add(messageId + ": " + reason);
        }
    });
    private final Inbox inbox = new Inbox(60_000);

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static Data data(long id, int fragment, int fragments, String payload) {
        return new Data(SESSION, id, ContentKind.TEXT, fragment, fragments, Octets.of(text(payload)));
    }

    @Test
    void shouldSendAMessageAndReportItDeliveredOnceAcknowledged() {
        long id = outbox.enqueue(ContentKind.TEXT, text("hello"));

        List<Data> sent = outbox.poll(SESSION, 0);
        assertThat(sent).containsExactly(data(1, 0, 1, "hello"));
        assertThat(id).isEqualTo(1);
        outbox.acknowledge(1, 0, 50);

        assertThat(delivered).containsExactly(1L);
        assertThat(outbox.queuedMessages()).isZero();
        assertThat(rtt.smoothedMillis()).isEqualTo(50);
    }

    @Test
    void shouldRetransmitAfterTheTimeoutAndDoubleItEachTime() {
        outbox.enqueue(ContentKind.TEXT, text("hello"));
        outbox.poll(SESSION, 0);

        assertThat(outbox.poll(SESSION, 999)).isEmpty();
        assertThat(outbox.poll(SESSION, 1000)).hasSize(1);
        assertThat(outbox.poll(SESSION, 2999)).isEmpty();
        assertThat(outbox.poll(SESSION, 3000)).hasSize(1);
        assertThat(outbox.retransmissions()).isEqualTo(2);

        outbox.acknowledge(1, 0, 3100); // a retransmitted fragment gives no RTT sample (Karn)
        assertThat(rtt.smoothedMillis()).isEqualTo(-1);
        assertThat(delivered).containsExactly(1L);
    }

    @Test
    void shouldFailAMessageNotAcknowledgedWithinTheGiveUpTime() {
        outbox.enqueue(ContentKind.TEXT, text("into the void"));
        for (long now = 0; now < GIVE_UP; now += 100) {
            outbox.poll(SESSION, now);
        }
        assertThat(failed).isEmpty();

        outbox.poll(SESSION, GIVE_UP);

        assertThat(failed).containsExactly("1: not acknowledged within 30 s");
        assertThat(outbox.queuedMessages()).isZero();
    }

    @Test
    void shouldSplitTheLargestMessageIntoFragmentsAndRefuseALargerOne() {
        byte[] largest = new byte[PeerWire.MAX_MESSAGE_SIZE];
        new Random(1).nextBytes(largest);

        assertThat(outbox.enqueue(ContentKind.TEXT, new byte[PeerWire.MAX_MESSAGE_SIZE + 1])).isEqualTo(-1);
        outbox.enqueue(ContentKind.TEXT, largest);
        List<Data> sent = outbox.poll(SESSION, 0);

        assertThat(sent).hasSize(PeerWire.MAX_FRAGMENTS);
        List<Inbox.Received> received = new ArrayList<>();
        for (Data fragment : sent) {
            received.addAll(inbox.receive(fragment, 0).delivered());
        }
        assertThat(received).hasSize(1);
        assertThat(received.get(0).content()).isEqualTo(largest);
    }

    @Test
    void shouldKeepAtMostAWindowOfFragmentsInFlight() {
        for (int i = 0; i < 100; i++) {
            outbox.enqueue(ContentKind.TEXT, text("m" + i));
        }

        assertThat(outbox.poll(SESSION, 0)).hasSize(Outbox.WINDOW);
        assertThat(outbox.poll(SESSION, 1)).isEmpty();
        outbox.acknowledge(1, 0, 2);
        assertThat(outbox.poll(SESSION, 3)).extracting(Data::messageId).containsExactly(65L);
    }

    @Test
    void shouldRefuseMessagesBeyondTheQueueBound() {
        for (int i = 0; i < Outbox.MAX_QUEUED_MESSAGES; i++) {
            assertThat(outbox.enqueue(ContentKind.TEXT, text("m"))).isPositive();
        }
        assertThat(outbox.enqueue(ContentKind.TEXT, text("one too many"))).isEqualTo(-1);
    }

    @Test
    void shouldDeliverInTheSendersOrderExactlyOnceAndReacknowledgeDuplicates() {
        assertThat(inbox.receive(data(2, 0, 1, "second"), 0)).isEqualTo(new Inbox.Outcome(true, List.of()));

        Inbox.Outcome first = inbox.receive(data(1, 0, 1, "first"), 0);
        assertThat(first.delivered()).extracting(Inbox.Received::messageId).containsExactly(1L, 2L);

        assertThat(inbox.receive(data(1, 0, 1, "first"), 0)).isEqualTo(new Inbox.Outcome(true, List.of()));
        assertThat(inbox.receive(data(2, 0, 1, "second"), 0)).isEqualTo(new Inbox.Outcome(true, List.of()));
        assertThat(inbox.duplicates()).isEqualTo(2);
    }

    @Test
    void shouldReassembleFragmentsArrivingInAnyOrder() {
        List<Data> fragments = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            fragments.add(data(1, i, 5, "part" + i + ";"));
        }
        Collections.shuffle(fragments, new Random(5));

        List<Inbox.Received> delivered = new ArrayList<>();
        for (Data fragment : fragments) {
            delivered.addAll(inbox.receive(fragment, 0).delivered());
        }

        assertThat(delivered).hasSize(1);
        assertThat(new String(delivered.get(0).content(), StandardCharsets.UTF_8))
                .isEqualTo("part0;part1;part2;part3;part4;");
    }

    @Test
    void shouldNeitherKeepNorAcknowledgeMessagesTooFarAheadOrContradictory() {
        assertThat(inbox.receive(data(1 + Inbox.MAX_AHEAD, 0, 1, "far"), 0).acknowledge()).isFalse();

        inbox.receive(data(3, 0, 2, "a"), 0);
        assertThat(inbox.receive(data(3, 1, 3, "b"), 0).acknowledge()).as("other fragment count").isFalse();
    }

    @Test
    void shouldDropAPartialMessageAfterTheReassemblyTimeout() {
        inbox.receive(data(1, 0, 2, "half"), 0);
        assertThat(inbox.bufferedBytes()).isEqualTo(4);

        assertThat(inbox.expire(59_999)).isZero();
        assertThat(inbox.expire(60_000)).isEqualTo(1);
        assertThat(inbox.bufferedBytes()).isZero();
    }

    @Test
    void shouldDeliverAThousandMessagesExactlyOnceInOrderThroughThirtyPercentLossBothWays() {
        Random network = new Random(30);
        int messages = 1000;
        for (int i = 0; i < messages; i++) {
            outbox.enqueue(ContentKind.TEXT, text("message " + i));
        }
        List<String> received = new ArrayList<>();
        int lostData = 0;
        int lostAcks = 0;
        long now = 0;
        while (delivered.size() < messages && failed.isEmpty() && now < 600_000) {
            for (Data fragment : outbox.poll(SESSION, now)) {
                if (network.nextDouble() < 0.3) {
                    lostData++;
                    continue;
                }
                Inbox.Outcome outcome = inbox.receive(fragment, now);
                outcome.delivered().forEach(m -> received.add(new String(m.content(), StandardCharsets.UTF_8)));
                if (outcome.acknowledge()) {
                    if (network.nextDouble() < 0.3) {
                        lostAcks++;
                    } else {
                        outbox.acknowledge(fragment.messageId(), fragment.fragment(), now + 20);
                    }
                }
            }
            now += 20;
        }

        assertThat(lostData).as("DATA the network dropped").isGreaterThan(200);
        assertThat(lostAcks).as("ACKs the network dropped").isGreaterThan(200);
        assertThat(failed).isEmpty();
        assertThat(delivered).hasSize(messages);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < messages; i++) {
            expected.add("message " + i);
        }
        assertThat(received).isEqualTo(expected);
        assertThat(inbox.duplicates()).isPositive();
    }
}
