package dev.p2pchat.peer.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.chat.ChatException;
import dev.p2pchat.peer.chat.PeerEvent.Introduced;
import dev.p2pchat.peer.chat.PeerEvent.Registered;
import dev.p2pchat.peer.chat.PeerEvent.RegistrationRefused;
import dev.p2pchat.protocol.ErrorCode;
import dev.p2pchat.protocol.Message.ListPage;
import dev.p2pchat.protocol.PeerInfo;
import dev.p2pchat.tracker.server.TrackerServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
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

        PeerInfo found = alice.lookup("bob").get(5, TimeUnit.SECONDS);
        assertThat(found.identityKey()).isEqualTo(bob.identityKey());
        assertThat(found.observed()).isEqualTo(bob.localAddress());
        bobEvents.await(Introduced.class, event -> event.peer().name().equals("alice"));

        ListPage page = bob.who(0).get(5, TimeUnit.SECONDS);
        assertThat(page.entries()).extracting(ListPage.Entry::name).containsExactlyInAnyOrder("alice", "bob");

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
