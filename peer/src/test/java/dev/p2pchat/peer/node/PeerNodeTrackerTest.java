package dev.p2pchat.peer.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.p2pchat.peer.tracker.TrackerSession;
import dev.p2pchat.protocol.ErrorCode;
import dev.p2pchat.protocol.Message.ListPage;
import dev.p2pchat.protocol.PeerInfo;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.server.TrackerServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Peers and a real tracker on 127.0.0.1, as the peer library's users run them. */
@Timeout(60)
class PeerNodeTrackerTest {
    private static final Duration KEEPALIVE = Duration.ofSeconds(3);

    @TempDir
    Path dataRoot;

    private final List<AutoCloseable> running = new ArrayList<>();
    private TrackerServer tracker;
    private InetSocketAddress trackerAddress;

    /** Events one peer saw, in order. */
    private static final class Events implements PeerListener {
        final List<String> seen = new CopyOnWriteArrayList<>();

        @Override
        public void registered(InetSocketAddress observed) {
            seen.add("registered");
        }

        @Override
        public void registrationRefused(ErrorCode code) {
            seen.add("refused " + code);
        }

        @Override
        public void introduced(PeerInfo peer) {
            seen.add("introduced " + peer.name());
        }

        long count(String event) {
            return seen.stream().filter(event::equals).count();
        }
    }

    private void startTracker(int port) throws Exception {
        tracker = new TrackerServer(TrackerConfig.builder().bindAddress("127.0.0.1").port(port)
                .lease(Duration.ofSeconds(10)).keepalive(KEEPALIVE).build());
        trackerAddress = tracker.start();
    }

    private PeerNode peer(String name, Events events) throws Exception {
        PeerConfig config = PeerConfig.of(name, "127.0.0.1", trackerAddress.getPort(), dataRoot.resolve(name))
                .withBind("127.0.0.1", 0)
                .withTimers(Duration.ofMillis(20), Duration.ofMillis(100));
        PeerNode node = PeerNode.start(config, events);
        running.add(0, node);
        return node;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable closeable : running) {
            closeable.close();
        }
        if (tracker != null) {
            tracker.close();
        }
    }

    @Test
    void shouldRegisterLookUpIntroduceListAndRename() throws Exception {
        startTracker(0);
        Events aliceEvents = new Events();
        Events bobEvents = new Events();
        PeerNode alice = peer("alice", aliceEvents);
        PeerNode bob = peer("bob", bobEvents);
        await("both registered", () -> aliceEvents.count("registered") == 1 && bobEvents.count("registered") == 1);

        PeerInfo found = alice.lookup("bob").get(5, TimeUnit.SECONDS);
        assertThat(found.identityKey()).isEqualTo(bob.identityKey());
        assertThat(found.observed()).isEqualTo(bob.localAddress());
        await("bob introduced to alice", () -> bobEvents.seen.contains("introduced alice"));

        ListPage page = bob.who(0).get(5, TimeUnit.SECONDS);
        assertThat(page.entries()).extracting(ListPage.Entry::name).containsExactlyInAnyOrder("alice", "bob");

        alice.rename("alicia").get(5, TimeUnit.SECONDS);
        assertThat(bob.lookup("alicia").get(5, TimeUnit.SECONDS).identityKey()).isEqualTo(alice.identityKey());
        assertThatThrownBy(() -> bob.lookup("alice").get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(TrackerSession.QueryFailedException.class)
                .hasMessageContaining("NOT_FOUND");
    }

    @Test
    void shouldUnregisterOnCloseSoOthersStopFindingIt() throws Exception {
        startTracker(0);
        Events events = new Events();
        PeerNode alice = peer("alice", events);
        PeerNode bob = peer("bob", new Events());
        await("alice registered", () -> events.count("registered") == 1);
        await("bob registered", () -> tracker.metrics().registered() == 2);

        alice.close();

        await("alice gone", () -> tracker.metrics().registered() == 1);
        assertThatThrownBy(() -> bob.lookup("alice").get(5, TimeUnit.SECONDS)).hasMessageContaining("NOT_FOUND");
    }

    @Test
    void shouldRegisterAgainWithinTwoKeepaliveIntervalsAfterTheTrackerRestarts() throws Exception {
        startTracker(0);
        int port = trackerAddress.getPort();
        Events aliceEvents = new Events();
        Events bobEvents = new Events();
        peer("alice", aliceEvents);
        peer("bob", bobEvents);
        await("both registered", () -> tracker.metrics().registered() == 2);

        tracker.close();
        startTracker(port); // a new tracker with empty state and a new cookie secret
        long restarted = System.nanoTime();

        await("both registered again",
                () -> aliceEvents.count("registered") == 2 && bobEvents.count("registered") == 2);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
        assertThat(millis).as("milliseconds to re-register").isLessThan(2 * KEEPALIVE.toMillis());
        assertThat(tracker.metrics().registered()).isEqualTo(2);
    }

    @Test
    void shouldDropAndCountGarbageWithoutLosingItsRegistration() throws Exception {
        startTracker(0);
        Events events = new Events();
        PeerNode alice = peer("alice", events);
        await("alice registered", () -> events.count("registered") == 1);

        try (DatagramSocket attacker = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (byte[] garbage : List.of(new byte[0], new byte[] {0x50, 0x32, 1}, new byte[] {1, 2, 3, 4, 5},
                    new byte[1500])) {
                attacker.send(new DatagramPacket(garbage, garbage.length, alice.localAddress()));
            }
        }

        await("four drops counted", () -> alice.malformedDatagrams() == 4);
        assertThat(alice.lookup("alice").get(5, TimeUnit.SECONDS).identityKey()).isEqualTo(alice.identityKey());
    }

    @Test
    void shouldReportANameHeldByAnotherKeyAsRefused() throws Exception {
        startTracker(0);
        Events first = new Events();
        peer("alice", first);
        await("alice registered", () -> first.count("registered") == 1);

        Events second = new Events();
        PeerConfig impostor = PeerConfig.of("alice", "127.0.0.1", trackerAddress.getPort(),
                dataRoot.resolve("another-alice")).withBind("127.0.0.1", 0);
        running.add(0, PeerNode.start(impostor, second));

        await("refused", () -> second.seen.contains("refused NAME_TAKEN"));
    }
}
