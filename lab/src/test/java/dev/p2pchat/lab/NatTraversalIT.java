package dev.p2pchat.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    private static NatLab lab;

    @TempDir
    Path dir;

    private final List<LabProcess> processes = new ArrayList<>();
    private LabProcess tracker;

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
        tracker = start("tracker", "tracker", java("-jar", jar("tracker"), "--bind", "0.0.0.0", "--port",
                TRACKER_PORT, "--keepalive", "5", "--lease", "30"));
        tracker.await(line -> line.startsWith("tracker listening on udp"), 0, WAIT, "the listening line");
    }

    @AfterEach
    void stopEverything() {
        processes.forEach(LabProcess::close);
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
    void shouldTellAStunClientBehindANatItsPublicMapping() throws Exception {
        NatLab.requireTool("turnutils_stunclient", "coturn");
        for (String host : List.of("a1", "c1")) {
            LabProcess client = start("stun-" + host, host, List.of("turnutils_stunclient", "-p", TRACKER_PORT,
                    lab.host("tracker").address()));
            LabProcess.Line answer = client.await(line -> line.contains("UDP reflexive addr:"), 0, WAIT,
                    "the reflexive address");
            assertThat(answer.text()).as(host).contains("UDP reflexive addr: " + lab.publicAddress(host) + ":");
        }
    }

    // ---- helpers ----

    /** A peer process on a lab host, registered with the lab's tracker. */
    private final class Peer {
        final String name;
        final LabProcess process;
        private String observed;

        Peer(String name, LabProcess process) {
            this.name = name;
            this.process = process;
        }

        String observed() {
            return observed;
        }

        /** Sends {@code text} to {@code to} and waits until it is acknowledged and shown; the time that took. */
        Duration sendAndAwaitDelivery(Peer to, String text) throws Exception {
            int mine = process.mark();
            int theirs = to.process.mark();
            long typed = process.type("/msg " + to.name + " " + text);
            LabProcess.Line delivered = process.awaitJson(Map.of("event", "delivered", "to", to.name), mine, WAIT);
            to.process.awaitJson(Map.of("event", "message", "from", name, "text", text), theirs, WAIT);
            return Duration.ofNanos(delivered.nanos() - typed);
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
        LabProcess process = start(name, host, java("-jar", jar("peer"), "--name", name, "--tracker",
                lab.host("tracker").address() + ":" + TRACKER_PORT, "--json", "--data-dir",
                dir.resolve(name).toString()));
        Peer peer = new Peer(name, process);
        peer.observed = (String) process.awaitJson(Map.of("event", "registered"), 0, WAIT).json().get("observed");
        return peer;
    }

    /** Starts {@code command} on a lab host. */
    private LabProcess start(String name, String host, List<String> command) throws IOException {
        LabProcess process = LabProcess.start(name, lab.on(host, command));
        processes.add(process);
        return process;
    }

    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static String jar(String program) {
        Path jar = Path.of(System.getProperty(program + ".jar", "../" + program + "/target/p2pchat-" + program
                + ".jar"));
        assertThat(jar).as("the " + program + " jar (mvn package builds it)").exists();
        return jar.toString();
    }

    /** Adds a line to the lab's report of what each topology gave, and how long the first message took. */
    private static void report(String topology, String outcome, Duration firstMessage) throws IOException {
        String line = String.format("%-55s | %-22s | %5d ms%n", topology, outcome, firstMessage.toMillis());
        System.out.print("nat-lab: " + line);
        Path file = Path.of(System.getProperty("nat.lab.report", "target/nat-lab-report.txt"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
