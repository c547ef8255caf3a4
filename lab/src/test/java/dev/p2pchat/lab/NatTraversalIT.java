package dev.p2pchat.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.testsupport.JsonParser;
import dev.p2pchat.testsupport.LineProcess;
import dev.p2pchat.testsupport.PackagedJar;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real tracker and peers on the hosts of {@link NatLab}, behind real Linux NATs, driven through the peers'
 * line mode in JSON. Each test starts its own tracker and peers on routers whose mappings were just flushed.
 */
@Tag("nat-lab")
@Timeout(120)
class NatTraversalIT {
    private static final String TRACKER_PORT = "7070";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Routers of the keepalive test forget an idle UDP mapping after this long (Linux's default is 30 s). */
    private static final int IDLE_TIMEOUT_SECONDS = 8;
    /** A roaming peer is found again within a keepalive, a lookup and the retransmissions' backoff. */
    private static final Duration ROAMING_WAIT = Duration.ofSeconds(30);
    /** Finding the black hole takes a few unanswered sends of a large datagram, then 60 KiB go in small pieces. */
    private static final Duration BLACK_HOLE_WAIT = Duration.ofSeconds(45);
    private static final int OUTAGE_SECONDS = 40;
    /** After the outage: the queues go out on the next tries (10 s apart at most) and the tracker's answers. */
    private static final Duration OUTAGE_WAIT = Duration.ofSeconds(60);

    private static final Pattern RELAYED = Pattern.compile(" relayed=(\\d+)/");

    private static NatLab lab;

    @TempDir
    Path dir;

    private final List<LineProcess> processes = new ArrayList<>();
    private LineProcess tracker;

    @BeforeAll
    static void buildLab() throws Exception {
        lab = NatLab.up();
    }

    @AfterAll
    static void removeLab() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @BeforeEach
    void startTracker() throws Exception {
        lab.flushAll();
        // Keepalives every 5 s: the routers of some tests forget idle mappings after a few seconds.
        tracker = start("tracker", "tracker", PackagedJar.command("tracker", "--bind", "0.0.0.0", "--port",
                TRACKER_PORT, "--keepalive", "5", "--lease", "30", "--stats-interval", "1", "--data-dir",
                dir.resolve("tracker").toString()));
        tracker.await(line -> line.startsWith("tracker listening on udp"), 0, WAIT, "the listening line");
    }

    @AfterEach
    void stopEverything() {
        processes.forEach(LineProcess::close);
    }

    @Test
    void shouldPunchADirectPathBetweenPeersBehindTwoEndpointIndependentNats() throws Exception {
        Peer alice = peer("alice", "a1");
        Peer bob = peer("bob", "b1");
        assertThat(alice.observed()).startsWith(lab.router("nat1").publicAddress() + ":");
        assertThat(bob.observed()).startsWith(lab.router("nat2").publicAddress() + ":");

        Duration first = alice.sendAndAwaitDelivery(bob, "hello across two NATs");

        // Each side talks to the mapping the tracker saw for the other: the NAT kept one mapping per socket.
        assertThat(alice.pathTo("bob")).containsEntry("path", "direct").containsEntry("address", bob.observed());
        assertThat(bob.pathTo("alice")).containsEntry("path", "direct").containsEntry("address", alice.observed());
        assertThat(relayedByTracker()).as("datagrams the tracker relayed").isZero();
        assertThat(alice.stats()).containsEntry("attempts", 1L).containsEntry("direct", 1L)
                .containsEntry("relayed", 0L).containsEntry("failed", 0L);
        report("endpoint-independent NAT to endpoint-independent NAT", "direct", first);
    }

    @Test
    void shouldTalkOverTheLanBetweenPeersBehindTheSameNat() throws Exception {
        Peer alice = peer("alice", "a1");
        Peer amy = peer("amy", "a2");

        Duration first = alice.sendAndAwaitDelivery(amy, "hello next door");

        // The router does not hairpin: the path that works is the private one the peers announced.
        assertThat((String) alice.pathTo("amy").get("address")).startsWith(lab.host("a2").address() + ":");
        assertThat((String) amy.pathTo("alice").get("address")).startsWith(lab.host("a1").address() + ":");
        report("two peers behind the same NAT", "direct, LAN addresses", first);
    }

    @Test
    void shouldReachAPublicPeerFromBehindASymmetricNat() throws Exception {
        Peer carol = peer("carol", "c1");
        Peer pat = peer("pat", "public");

        Duration first = pat.sendAndAwaitDelivery(carol, "hello from the open internet");

        // A symmetric NAT gives the conversation a port of its own, not the one the tracker saw.
        String seen = (String) pat.pathTo("carol").get("address");
        assertThat(seen).startsWith(lab.router("sym1").publicAddress() + ":").isNotEqualTo(carol.observed());
        assertThat(pat.pathTo("carol")).containsEntry("path", "direct");
        report("public address to symmetric NAT", "direct", first);
    }

    @Test
    void shouldRelayThroughTheTrackerBetweenPeersBehindTwoSymmetricNats() throws Exception {
        Peer carol = peer("carol", "c1");
        Peer dave = peer("dave", "d1");

        Duration first = carol.sendAndAwaitDelivery(dave, "no direct path between us");
        dave.sendAndAwaitDelivery(carol, "and yet here we are");

        assertThat(carol.pathTo("dave")).containsEntry("path", "relay").containsEntry("connected", true);
        assertThat(dave.pathTo("carol")).containsEntry("path", "relay");
        assertThat(relayedByTracker()).isPositive();
        assertThat(carol.stats()).containsEntry("relayed", 1L).containsEntry("direct", 0L);
        report("symmetric NAT to symmetric NAT", "relay", first);
    }

    @Test
    void shouldRelayBetweenAnEndpointIndependentAndASymmetricNat() throws Exception {
        Peer alice = peer("alice", "a1");
        Peer carol = peer("carol", "c1");

        Duration first = alice.sendAndAwaitDelivery(carol, "your NAT gives every peer its own port");

        assertThat(alice.pathTo("carol")).containsEntry("path", "relay");
        assertThat(relayedByTracker()).isPositive();
        report("endpoint-independent NAT to symmetric NAT", "relay", first);
    }

    @Test
    void shouldKeepAnIdleDirectPathOpenPastTheRoutersUdpTimeout() throws Exception {
        lab.udpTimeout("nat1", IDLE_TIMEOUT_SECONDS);
        lab.udpTimeout("nat2", IDLE_TIMEOUT_SECONDS);
        Peer alice = peer("alice", "a1");
        Peer bob = peer("bob", "b1");
        alice.sendAndAwaitDelivery(bob, "hello");
        long relayedBefore = relayedByTracker();

        // Idle well past the routers' timeout: only the peers' keepalives (PING every 5 s of quiet) flow.
        Thread.sleep(Duration.ofSeconds(5L * IDLE_TIMEOUT_SECONDS / 2).toMillis());

        Duration after = bob.sendAndAwaitDelivery(alice, "still there?");
        assertThat(bob.pathTo("alice")).containsEntry("path", "direct").containsEntry("address", alice.observed());
        assertThat(relayedByTracker()).as("nothing needed the relay").isEqualTo(relayedBefore);
        report("idle 20 s behind routers that forget after " + IDLE_TIMEOUT_SECONDS + " s", "direct", after);
    }

    @Test
    void shouldDeliverSixtyKibAcrossAPathMtuBlackHole() throws Exception {
        Peer alice = peer("alice", "a1");
        Peer bob = peer("bob", "b1");
        alice.sendAndAwaitDelivery(bob, "hello before the link shrinks");
        lab.blackHole("nat1", 576);
        try {
            StringBuilder big = new StringBuilder();
            for (int i = 0; big.length() < 60 * 1024; i++) {
                big.append("line ").append(i).append(" of a long message; ");
            }
            String text = big.substring(0, 60 * 1024);

            Duration took = alice.sendAndAwaitDelivery(bob, text, BLACK_HOLE_WAIT);
            Duration back = bob.sendAndAwaitDelivery(alice, text, BLACK_HOLE_WAIT);

            assertThat(alice.process.saw(line -> line.contains("\"event\":\"failed\""))).isFalse();
            assertThat(bob.process.saw(line -> line.contains("\"event\":\"failed\""))).isFalse();
            report("a 576-byte link, ICMP dropped: 60 KiB each way", "delivered in small pieces",
                    took.compareTo(back) > 0 ? took : back);
        } finally {
            lab.blackHole("nat1", 0);
        }
    }

    @Test
    void shouldFindAPeerAgainWhenItsRouterGetsANewAddressWithoutLosingOrDoublingAMessage() throws Exception {
        Peer alice = peer("alice", "a1");
        Peer bob = peer("bob", "b1");
        alice.sendAndAwaitDelivery(bob, "before the move");
        String oldMapping = alice.observed();

        long moved = System.nanoTime();
        String newAddress = lab.renumber("nat1");
        int bobMark = bob.process.mark();
        int aliceMark = alice.process.mark();
        List<String> texts = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            texts.add("while moving " + i);
            alice.process.type("/msg bob while moving " + i);
            bob.process.type("/msg alice back " + i);
        }
        List<String> aliceIds = alice.queued(aliceMark, 5);
        List<String> bobIds = bob.queued(bobMark, 5);
        long lastDelivered = 0;
        for (int i = 0; i < 5; i++) {
            lastDelivered = Math.max(lastDelivered, alice.process.awaitJson(Map.of("event", "delivered", "to", "bob",
                    "id", aliceIds.get(i)), aliceMark, ROAMING_WAIT).nanos());
            lastDelivered = Math.max(lastDelivered, bob.process.awaitJson(Map.of("event", "delivered", "to", "alice",
                    "id", bobIds.get(i)), bobMark, ROAMING_WAIT).nanos());
        }
        // Back on a direct path, at alice's new mapping (maybe after a detour through the relay).
        bob.process.await(line -> line.startsWith("{") && isPathTo(JsonParser.object(line), "alice", newAddress),
                bobMark, ROAMING_WAIT, "a direct path to alice at " + newAddress);

        // A sender's "delivered" can be read before the receiver's own line: each process prints on a thread of its
        // own. So wait for each side's last message before reading what it showed.
        bob.process.awaitJson(Map.of("event", "message", "from", "alice", "text", "while moving 5"), bobMark,
                ROAMING_WAIT);
        alice.process.awaitJson(Map.of("event", "message", "from", "bob", "text", "back 5"), aliceMark, ROAMING_WAIT);
        assertThat(bob.received(bobMark)).as("each message once, in order").containsExactlyElementsOf(texts);
        assertThat(alice.received(aliceMark)).containsExactly("back 1", "back 2", "back 3", "back 4", "back 5");
        assertThat(alice.process.saw(line -> line.contains("\"event\":\"failed\""))).isFalse();
        assertThat(bob.process.saw(line -> line.contains("\"event\":\"failed\""))).isFalse();
        String seen = (String) bob.pathTo("alice").get("address");
        assertThat(seen).startsWith(newAddress + ":").isNotEqualTo(oldMapping);
        assertThat(bob.pathTo("alice")).containsEntry("path", "direct");
        report("roaming: the router behind one peer changes its address", "direct again, 10 of 10 once",
                Duration.ofNanos(lastDelivered - moved));
    }

    /**
     * A 40 s outage of one peer's router (iptables DROP) while both type: every message is delivered once, in order,
     * and none fails. Before, a 40 s outage lost 698 of 960 messages: the conversation closed after 15 s of silence and
     * failed everything queued, and nothing was resent when the network returned.
     */
    @Test
    void shouldLoseNothingInAFortySecondOutageOfOnePeersRouter() throws Exception {
        Peer alice = peer("alice", "a1");
        Peer bob = peer("bob", "b1");
        alice.sendAndAwaitDelivery(bob, "before the outage");
        int aliceMark = alice.process.mark();
        int bobMark = bob.process.mark();
        List<String> fromAlice = new ArrayList<>();
        List<String> fromBob = new ArrayList<>();
        lab.outage("nat1", true);
        long ended;
        try {
            for (int second = 0; second < OUTAGE_SECONDS; second++) {
                for (int i = 0; i < 3; i++) {
                    fromAlice.add("alice at " + second + "." + i);
                    alice.process.type("/msg bob " + fromAlice.get(fromAlice.size() - 1));
                    fromBob.add("bob at " + second + "." + i);
                    bob.process.type("/msg alice " + fromBob.get(fromBob.size() - 1));
                }
                Thread.sleep(1_000);
            }
        } finally {
            lab.outage("nat1", false);
            ended = System.nanoTime();
        }
        List<String> aliceIds = alice.queued(aliceMark, fromAlice.size());
        List<String> bobIds = bob.queued(bobMark, fromBob.size());
        long lastDelivered = 0;
        for (String id : aliceIds) {
            lastDelivered = Math.max(lastDelivered, alice.process.awaitJson(Map.of("event", "delivered", "id", id),
                    aliceMark, OUTAGE_WAIT).nanos());
        }
        for (String id : bobIds) {
            lastDelivered = Math.max(lastDelivered, bob.process.awaitJson(Map.of("event", "delivered", "id", id),
                    bobMark, OUTAGE_WAIT).nanos());
        }
        bob.process.awaitJson(Map.of("event", "message", "text", fromAlice.get(fromAlice.size() - 1)), bobMark,
                OUTAGE_WAIT);
        alice.process.awaitJson(Map.of("event", "message", "text", fromBob.get(fromBob.size() - 1)), aliceMark,
                OUTAGE_WAIT);

        assertThat(bob.received(bobMark)).as("each of alice's once, in order").containsExactlyElementsOf(fromAlice);
        assertThat(alice.received(aliceMark)).as("each of bob's once, in order").containsExactlyElementsOf(fromBob);
        assertThat(alice.process.saw(line -> line.contains("\"event\":\"failed\""))).isFalse();
        assertThat(bob.process.saw(line -> line.contains("\"event\":\"failed\""))).isFalse();
        report("a 40 s outage of one router, iptables DROP, 3 messages a second each way",
                (fromAlice.size() + fromBob.size()) + " of " + (fromAlice.size() + fromBob.size()) + " once, in order",
                Duration.ofNanos(lastDelivered - ended));
    }

    @Test
    void shouldTellAStunClientBehindANatItsPublicMapping() throws Exception {
        NatLab.requireTool("turnutils_stunclient", "coturn");
        for (String host : List.of("a1", "c1")) {
            LineProcess client = start("stun-" + host, host, List.of("turnutils_stunclient", "-p", TRACKER_PORT,
                    lab.host("tracker").address()));
            LineProcess.Line answer = client.await(line -> line.contains("UDP reflexive addr:"), 0, WAIT,
                    "the reflexive address");
            assertThat(answer.text()).as(host).contains("UDP reflexive addr: " + lab.publicAddress(host) + ":");
        }
    }

    // ---- helpers ----

    /** A peer process on a lab host, registered with the lab's tracker. */
    private final class Peer {
        final String name;
        final LineProcess process;
        private String observed;

        Peer(String name, LineProcess process) {
            this.name = name;
            this.process = process;
        }

        String observed() {
            return observed;
        }

        /** Sends {@code text} to {@code to} and waits until it is acknowledged and shown; the time that took. */
        Duration sendAndAwaitDelivery(Peer to, String text) throws Exception {
            return sendAndAwaitDelivery(to, text, WAIT);
        }

        Duration sendAndAwaitDelivery(Peer to, String text, Duration wait) throws Exception {
            int mine = process.mark();
            int theirs = to.process.mark();
            long typed = process.type("/msg " + to.name + " " + text);
            String id = (String) process.awaitJson(Map.of("event", "queued", "to", to.name), mine, wait).json()
                    .get("id");
            LineProcess.Line delivered = process.awaitJson(Map.of("event", "delivered", "id", id), mine, wait);
            to.process.awaitJson(Map.of("event", "message", "from", name, "text", text), theirs, wait);
            return Duration.ofNanos(delivered.nanos() - typed);
        }

        /** The ids of the first {@code count} messages this peer queued from output line {@code from} on. */
        List<String> queued(int from, int count) throws InterruptedException {
            List<String> ids = new ArrayList<>();
            for (int at = from; ids.size() < count; ) {
                LineProcess.Line line = process.awaitJson(Map.of("event", "queued"), at, WAIT);
                ids.add((String) line.json().get("id"));
                at = line.index() + 1;
            }
            return ids;
        }

        /** The texts of the messages this peer showed, from output line {@code from} on, in order. */
        List<String> received(int from) {
            return process.linesFrom(from).stream()
                    .filter(line -> line.startsWith("{") && line.contains("\"event\":\"message\""))
                    .map(line -> (String) JsonParser.object(line).get("text"))
                    .toList();
        }

        /** The peer's counters, as {@code /stats} shows them. */
        Map<String, Object> stats() throws Exception {
            int from = process.mark();
            process.type("/stats");
            return process.awaitJson(Map.of("event", "stats"), from, WAIT).json();
        }

        /** This peer's entry for {@code other} in its peer list. */
        @SuppressWarnings("unchecked")
        Map<String, Object> pathTo(String other) throws Exception {
            int from = process.mark();
            process.type("/peers");
            Map<String, Object> peers = process.awaitJson(Map.of("event", "peers"), from, WAIT).json();
            return ((List<Map<String, Object>>) peers.get("peers")).stream()
                    .filter(entry -> other.equals(entry.get("name")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(name + " does not list " + other + ": " + peers));
        }
    }

    private Peer peer(String name, String host) throws Exception {
        LineProcess process = start(name, host, PackagedJar.command("peer", "--name", name, "--tracker",
                lab.host("tracker").address() + ":" + TRACKER_PORT, "--json", "--data-dir",
                dir.resolve(name).toString()));
        Peer peer = new Peer(name, process);
        peer.observed = (String) process.awaitJson(Map.of("event", "registered"), 0, WAIT).json().get("observed");
        return peer;
    }

    /** How many datagrams the tracker has relayed so far, from its next stats line. */
    private long relayedByTracker() throws Exception {
        LineProcess.Line stats = tracker.await(line -> line.contains(" stats peers="), tracker.mark(), WAIT,
                "a stats line");
        Matcher relayed = RELAYED.matcher(stats.text());
        assertThat(relayed.find()).as(stats.text()).isTrue();
        return Long.parseLong(relayed.group(1));
    }

    private static boolean isPathTo(Map<String, Object> event, String name, String host) {
        return "path".equals(event.get("event")) && name.equals(event.get("name"))
                && event.get("address") instanceof String address && address.startsWith(host + ":");
    }

    /** Starts {@code command} on a lab host. */
    private LineProcess start(String name, String host, List<String> command) throws IOException {
        LineProcess process = LineProcess.start(name, lab.on(host, command).redirectErrorStream(true));
        processes.add(process);
        return process;
    }

    /** Adds a line to the lab's report of what each topology gave, and how long the first message took. */
    private static void report(String topology, String outcome, Duration firstMessage) throws IOException {
        String line = String.format("%-60s | %-28s | %5d ms%n", topology, outcome, firstMessage.toMillis());
        System.out.print("nat-lab: " + line);
        Path file = Path.of(System.getProperty("nat.lab.report", "target/nat-lab-report.txt"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
