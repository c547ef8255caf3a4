package dev.p2pchat.peer.link;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.link.SimNet.Datagram;
import dev.p2pchat.peer.link.SimNet.Node;
import dev.p2pchat.protocol.peer.PeerWire;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Receipts that never lie, on the simulated wire: "delivered" only for what the receiving application has, "failed"
 * only for what it never got, and no message the sender gave up on blocks the ones behind it.
 */
@Timeout(120)
class LinkReceiptsTest {
    /** A sealed DATA of a one-piece message, with no acknowledgement entries beside it, is its payload and this. */
    private static final int SEALED_DATA_OVERHEAD = PeerWire.TRANSPORT_HEADER_SIZE + PeerWire.DATA_FIXED_SIZE
            + PeerWire.ACK_BLOCK_FIXED_SIZE + PeerWire.TAG_SIZE;

    private final SimNet net = new SimNet();
    private final Node alice = net.node("alice", "192.0.2.1", 1);
    private final Node bob = net.node("bob", "192.0.2.2", 2);

    private void connect() {
        alice.connect(bob, bob.address);
        net.run(Duration.ofMillis(300));
        assertThat(bob.connected).containsExactly("alice");
    }

    @Test
    void shouldFailOnlyTheMessageWhoseEveryDatagramIsLostAndShowAndDeliverEveryOneAfterIt() {
        connect();
        String doomed = "x".repeat(333); // the only message of its size: every datagram carrying it is dropped
        net.drop = datagram -> datagram.to().equals(bob.address)
                && datagram.bytes().length == SEALED_DATA_OVERHEAD + doomed.length();
        Map<Long, String> sent = new HashMap<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String text = i == 3 ? doomed : "message " + i;
            texts.add(text);
            sent.put(alice.send(bob, text), text);
        }
        net.run(Duration.ofSeconds(60));

        assertThat(net.lost).as("the doomed message was sent again and again").isGreaterThan(10);
        List<String> expected = new ArrayList<>(texts);
        expected.remove(doomed);
        assertThat(bob.received).as("every later one is shown, in order").containsExactlyElementsOf(expected);
        assertThat(alice.failed).as("failed: the doomed one only").singleElement().asString().startsWith("4: ");
        assertThat(alice.delivered).hasSize(19).doesNotHaveDuplicates()
                .allSatisfy(receipt -> assertThat(bob.received).as("delivered means shown")
                        .contains(sent.get(receipt)));
        assertThat(alice.disconnected).isEmpty();
    }

    /**
     * A peer that leaves right after a burst it showed (its acknowledgements still waiting for the burst's end)
     * acknowledges before it says goodbye: the sender, which fails what is unacknowledged at a GOODBYE, reports
     * every shown message delivered and none failed.
     */
    @Test
    void shouldAcknowledgeWhatWasShownBeforeSayingGoodbye() {
        connect();
        bob.table.deferAcks(true);
        List<Long> receipts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            receipts.add(alice.send(bob, "last words " + i));
        }
        net.deliverAll();
        assertThat(bob.received).hasSize(5);

        bob.table.close(alice.key(), "quit", true);
        net.deliverAll();

        assertThat(alice.disconnected).singleElement().asString().contains("said goodbye");
        assertThat(alice.failed).as("nothing shown is reported failed").isEmpty();
        assertThat(alice.delivered).containsExactlyInAnyOrderElementsOf(receipts);
    }

    @Test
    void shouldReportNothingThatWasShownAsFailedAtEightyPercentLossWhileAcknowledgementsFlow() {
        connect();
        net.loss = 0.8;
        Map<Long, String> sent = new HashMap<>();
        for (int i = 0; i < 40; i++) {
            sent.put(alice.send(bob, "lossy " + i), "lossy " + i);
        }
        net.run(Duration.ofSeconds(90));
        net.loss = 0;
        net.run(Duration.ofSeconds(10));

        assertThat(net.lost).as("the loss really happened").isGreaterThan(200);
        for (String failure : alice.failed) {
            String text = sent.get(Long.parseLong(failure.substring(0, failure.indexOf(':'))));
            assertThat(bob.received).as("failed, so never shown: " + failure).doesNotContain(text);
        }
        for (long receipt : alice.delivered) {
            assertThat(bob.received).as("delivered, so shown").contains(sent.get(receipt));
        }
        assertThat(alice.delivered.size() + alice.failed.size()).as("every message settled").isEqualTo(40);
        assertThat(bob.received).doesNotHaveDuplicates().hasSize(alice.delivered.size());
    }

    @Test
    void shouldDeliverSixtyKibAcrossAPathThatDropsEveryLargeDatagramWithoutTelling() {
        connect();
        // A 576-byte link with ICMP filtered: larger datagrams vanish, smaller ones pass, and nobody says so.
        net.drop = datagram -> datagram.bytes().length + 28 > 576;
        StringBuilder text = new StringBuilder();
        SplittableRandom random = new SplittableRandom(60);
        while (text.length() < 60 * 1024) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        long receipt = alice.send(bob, text.toString());
        net.run(Duration.ofSeconds(30));

        assertThat(net.lost).as("large datagrams were lost").isPositive();
        assertThat(bob.received).containsExactly(text.toString());
        assertThat(alice.delivered).containsExactly(receipt);
        assertThat(alice.failed).isEmpty();
        List<Datagram> small = net.tap.stream().filter(d -> d.to().equals(bob.address))
                .filter(d -> d.bytes().length + 28 <= 576 && d.bytes().length > 400).toList();
        assertThat(small).as("it was carried in small pieces").hasSizeGreaterThan(100);
    }
}
