package dev.p2pchat.peer.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.api.PeerEvent.Delivered;
import dev.p2pchat.peer.api.PeerEvent.MessageReceived;
import dev.p2pchat.peer.api.PeerEvent.Registered;
import dev.p2pchat.peer.api.PeerEvent.Sent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Offline delivery through a real tracker's mailbox, peers in this JVM on 127.0.0.1: the recipient away the whole
 * time the sender is on, the sender away when the recipient comes back, and the tracker restarted in between.
 */
@Timeout(90)
class PeerMailTest {
    @TempDir
    Path dataRoot;

    private TestNetwork network;

    @BeforeEach
    void createNetwork() throws Exception {
        network = new TestNetwork(dataRoot);
        network.startTracker(0);
    }

    @AfterEach
    void stop() {
        network.close();
    }

    private record Peer(PeerNode node, EventLog events) {}

    private Peer start(String name) throws Exception {
        EventLog events = new EventLog();
        PeerNode node = network.start(name, events);
        events.await(Registered.class);
        return new Peer(node, events);
    }

    private static List<String> texts(EventLog events) {
        return events.all(MessageReceived.class).stream().map(MessageReceived::text).toList();
    }

    @Test
    void shouldDeliverByMailWhileTheRecipientIsAwayAndBringTheReceiptBackByMailWhileTheSenderIs() throws Exception {
        Peer alice = start("alice");
        Peer bob = start("bob");
        MessageId hello = alice.node().send("bob", "hello, before you go").get(10, TimeUnit.SECONDS);
        alice.events().await(Delivered.class, event -> event.id().equals(hello));
        bob.node().close();
        EventLog.until("bob gone from the tracker", () -> network.tracker().metrics().registered() == 1);

        List<String> written = new ArrayList<>(IntStream.rangeClosed(1, 10).mapToObj(i -> "while away " + i)
                .toList());
        written.add("é".repeat(32_000)); // 64,000 bytes: the largest kind, in many pieces
        List<MessageId> ids = new ArrayList<>();
        for (String text : written) {
            ids.add(alice.node().send("bob", text).get(10, TimeUnit.SECONDS));
        }
        for (MessageId id : ids) {
            alice.events().await(Sent.class, event -> event.id().equals(id));
        }
        assertThat(alice.node().queued().get(5, TimeUnit.SECONDS)).hasSize(written.size()).allSatisfy(waiting ->
                assertThat(waiting.reason()).isEqualTo("in the tracker's mailbox"));
        assertThat(network.tracker().metrics().statsLine()).contains("mail_deposited=");
        alice.node().close();

        // The tracker restarts meanwhile: the mail is on its disk.
        int port = network.trackerPort();
        network.stopTracker();
        network.startTracker(port);

        Peer bobAgain = start("bob");
        EventLog.until("the mail shown", () -> texts(bobAgain.events()).size() == written.size());
        assertThat(texts(bobAgain.events())).as("once each, in order").containsExactlyElementsOf(written);

        Peer aliceAgain = start("alice");
        EventLog.until("the receipts back", () -> aliceAgain.events().count(Delivered.class) == written.size());
        assertThat(aliceAgain.events().all(Delivered.class)).extracting(Delivered::id)
                .containsExactlyInAnyOrderElementsOf(ids);
        EventLog.until("alice's queue empty", () -> aliceAgain.node().queued().join().isEmpty());
        EventLog.until("the mailbox empty", () -> network.tracker().metrics().statsLine().contains(" mail=0/0B"));
        assertThat(texts(bobAgain.events())).as("nothing shown twice").hasSize(written.size());
    }
}
