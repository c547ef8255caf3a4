package dev.p2pchat.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.testsupport.JsonParser;
import dev.p2pchat.testsupport.LineProcess;
import dev.p2pchat.testsupport.PackagedJar;
import dev.p2pchat.testsupport.TrackerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged tracker and peer jars, started as a user would and scripted through the peers' standard input
 * in JSON mode: messages, a broadcast, a rename, a friendship, a peer leaving, a one-shot send, and SIGTERM.
 */
@Timeout(60)
class PeerProcessIT {
    private static final long WAIT_SECONDS = 15;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private String tracker;

    @AfterEach
    void stopEverything() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void shouldChatBetweenRealProcessesAndStopCleanly() throws Exception {
        startTracker();
        ScriptedPeer alice = peer("alice");
        ScriptedPeer bob = peer("bob");
        ScriptedPeer carol = peer("carol");
        for (ScriptedPeer peer : List.of(alice, bob, carol)) {
            peer.type("/wait registered");
            peer.awaitJson(Map.of("event", "waited", "kind", "registered"));
        }

        alice.type("/msg bob hello bob");
        Object id = alice.awaitJson(Map.of("event", "queued", "to", "bob")).get("id");
        alice.awaitJson(Map.of("event", "delivered", "to", "bob", "id", id));
        bob.awaitJson(Map.of("event", "message", "from", "alice", "text", "hello bob", "broadcast", false));
        carol.type("/msg bob hi from carol");
        bob.awaitJson(Map.of("event", "message", "from", "carol", "text", "hi from carol"));
        alice.type("/connect carol");
        alice.awaitJson(Map.of("event", "connected", "name", "carol"));
        for (ScriptedPeer peer : List.of(bob, carol)) {
            peer.type("/wait connected alice");
            peer.awaitJson(Map.of("event", "waited", "kind", "connected", "name", "alice"));
        }
        bob.type("/wait connected carol");
        bob.awaitJson(Map.of("event", "waited", "kind", "connected", "name", "carol"));

        alice.type("/broadcast hello everyone");
        alice.awaitJson(Map.of("event", "broadcast"));
        for (ScriptedPeer peer : List.of(bob, carol)) {
            peer.awaitJson(Map.of("event", "message", "from", "alice", "text", "hello everyone", "broadcast", true));
        }

        bob.type("/nick robert");
        bob.awaitJson(Map.of("event", "nick", "name", "robert"));
        for (ScriptedPeer peer : List.of(alice, carol)) {
            peer.awaitJson(Map.of("event", "renamed", "name", "robert", "old", "bob"));
        }

        carol.type("/friend request alice shall we?");
        alice.awaitJson(Map.of("event", "friend_request", "from", "carol", "note", "shall we?"));
        alice.type("/friend accept carol");
        carol.awaitJson(Map.of("event", "friend_accepted", "name", "alice"));

        bob.type("/quit");
        assertThat(bob.process.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("robert exited").isTrue();
        assertThat(bob.process.exitValue()).isZero();
        for (ScriptedPeer peer : List.of(alice, carol)) {
            peer.awaitJson(Map.of("event", "disconnected", "name", "robert", "reason", "said goodbye"));
        }
        alice.type("/lookup robert");
        alice.awaitJson(Map.of("event", "error", "message", "no peer named robert is registered with the tracker"));

        Process send = start("dave", List.of("send", "--name", "dave", "--tracker", tracker, "--bind", "127.0.0.1",
                "--json", "--data-dir", dir.resolve("dave").toString(), "--timeout", "10", "alice", "one", "shot"));
        assertThat(send.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).as("send exited").isTrue();
        String sent = new String(send.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(send.exitValue()).as(sent + Files.readString(dir.resolve("dave.err"))).isZero();
        assertThat(JsonParser.object(sent)).containsEntry("event", "delivered").containsEntry("to", "alice");
        alice.awaitJson(Map.of("event", "message", "from", "dave", "text", "one shot"));

        assertThat(alice.io.stop(Duration.ofSeconds(5))).as("alice exited on SIGTERM").isTrue();
        assertThat(alice.process.exitValue()).isZero();
        carol.awaitJson(Map.of("event", "disconnected", "name", "alice", "reason", "said goodbye"));
        alice.awaitJson(Map.of("event", "disconnected", "name", "carol"));
        alice.awaitJson(Map.of("event", "stopped"));

        assertThat(carol.io.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(carol.process.exitValue()).isZero();
        for (ScriptedPeer peer : List.of(alice, bob, carol)) {
            assertThat(Files.readString(dir.resolve(peer.name + ".err"))).as(peer.name + " standard error").isEmpty();
            peer.io.linesFrom(0).forEach(line -> assertThat(JsonParser.object(line)).as(line).containsKey("event"));
        }
    }

    @Test
    void shouldCountTheOutputNobodyReadsInsteadOfHoldingItAll() throws Exception {
        int commands = 40_000;
        Process peer = start("eve", List.of("--name", "eve", "--tracker", "", "--bind", "127.0.0.1", "--json",
                "--data-dir", dir.resolve("eve").toString()));
        // Nobody reads its output meanwhile. Writing returns once the peer has read all but a pipe's worth of
        // these, so far more answers wait than it may hold.
        try (var in = peer.getOutputStream()) {
            in.write("/stats\n".repeat(commands).getBytes(StandardCharsets.US_ASCII));
            in.write("/quit\n".getBytes(StandardCharsets.US_ASCII));
        }
        List<Map<String, Object>> lines = new BufferedReader(new InputStreamReader(peer.getInputStream(),
                StandardCharsets.UTF_8)).lines().map(JsonParser::object).toList();
        assertThat(peer.waitFor(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        List<Map<String, Object>> notices = lines.stream()
                .filter(line -> "output_dropped".equals(line.get("event"))).toList();
        long leftOut = notices.stream().mapToLong(line -> (Long) line.get("count")).sum();
        assertThat(leftOut).as("lines left out").isPositive();
        assertThat(lines.get(0)).containsEntry("event", "started");
        assertThat(lines.size() - notices.size() + leftOut).as("the start line, every answer and the stop line, "
                + "each shown or counted").isEqualTo(commands + 2);
        assertThat(peer.exitValue()).isZero();
    }

    private void startTracker() throws Exception {
        TrackerProcess started = TrackerProcess.start(dir.resolve("tracker"), dir.resolve("tracker.err"));
        processes.add(started.process());
        tracker = started.address();
    }

    private ScriptedPeer peer(String name) throws IOException {
        ProcessBuilder builder = peerCommand(name, List.of("--name", name, "--tracker", tracker, "--bind",
                "127.0.0.1", "--json", "--data-dir", dir.resolve(name).toString()));
        LineProcess io = LineProcess.start(name, builder);
        processes.add(io.process());
        return new ScriptedPeer(name, io);
    }

    private Process start(String name, List<String> args) throws IOException {
        Process process = peerCommand(name, args).start();
        processes.add(process);
        return process;
    }

    /** The peer jar with {@code args}, its standard error in NAME.err. */
    private ProcessBuilder peerCommand(String name, List<String> args) {
        return new ProcessBuilder(PackagedJar.command("peer", args.toArray(String[]::new)))
                .redirectError(dir.resolve(name + ".err").toFile());
    }

    /** A running peer process: commands typed into its standard input, its JSON lines collected. */
    private static final class ScriptedPeer {
        final String name;
        final LineProcess io;
        final Process process;

        ScriptedPeer(String name, LineProcess io) {
            this.name = name;
            this.io = io;
            this.process = io.process();
        }

        void type(String line) throws IOException {
            io.type(line);
        }

        Map<String, Object> awaitJson(Map<String, Object> fields) throws InterruptedException {
            return io.awaitJson(fields, 0, Duration.ofSeconds(WAIT_SECONDS)).json();
        }
    }
}
