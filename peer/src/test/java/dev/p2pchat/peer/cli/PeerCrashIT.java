package dev.p2pchat.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.testsupport.JsonParser;
import dev.p2pchat.testsupport.LineProcess;
import dev.p2pchat.testsupport.PackagedJar;
import dev.p2pchat.testsupport.TrackerProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real peer processes chat both ways while one or the other is killed with SIGKILL, again and again, and
 * started again on its data directory. Every start opens the database; in the end every message a sender's database
 * accepted (and every one whose "queued" line was printed) is in the receiver's history exactly once, in the order
 * written, delivered in the sender's; none was shown twice.
 */
@Timeout(240)
class PeerCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Until the tracker's lease of a killed peer ends and the sender's next try finds it gone. */
    private static final Duration MAIL_WAIT = Duration.ofSeconds(60);
    private static final int ROUNDS = 6;
    private static final int PER_ROUND = 15;

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    /** Every run of each peer, and the messages typed into it. */
    private final Map<String, List<Run>> runs = new HashMap<>();

    private record Run(LineProcess io, List<String> typed) {}
    private String tracker;

    @AfterEach
    void stopEverything() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void shouldDeliverEveryAcceptedMessageExactlyOnceInOrderWhileEitherSideIsKilledAgainAndAgain() throws Exception {
        startTracker();
        Map<String, LineProcess> peers = new HashMap<>();
        peers.put("alice", start("alice"));
        peers.put("bob", start("bob"));
        Map<String, List<String>> typed = Map.of("alice", new ArrayList<>(), "bob", new ArrayList<>());
        SplittableRandom random = new SplittableRandom(13);

        for (int round = 0; round < ROUNDS; round++) {
            for (int i = 0; i < PER_ROUND; i++) {
                for (String name : List.of("alice", "bob")) {
                    String text = name + " round " + round + " line " + i;
                    peers.get(name).type("/msg " + other(name) + " " + text);
                    typed.get(name).add(text);
                    current(name).typed().add(text);
                }
            }
            Thread.sleep(100 + random.nextInt(600)); // some delivered, some on their way, some not yet stored
            String victim = round % 2 == 0 ? "bob" : "alice";
            kill(peers.get(victim));
            peers.put(victim, start(victim));
        }

        for (String name : List.of("alice", "bob")) {
            awaitEmptyQueue(peers.get(name));
        }
        for (String sender : List.of("alice", "bob")) {
            String receiver = other(sender);
            List<Map<String, Object>> sent = history(peers.get(sender), receiver, true);
            List<Map<String, Object>> received = history(peers.get(receiver), sender, false);
            List<String> sentTexts = sent.stream().map(entry -> (String) entry.get("text")).toList();

            assertThat(sent).as(sender + "'s messages, all delivered").allSatisfy(entry ->
                    assertThat(entry.get("state")).isEqualTo("delivered"));
            assertThat(received.stream().map(entry -> (String) entry.get("text")).toList())
                    .as(receiver + " stored each of " + sender + "'s once, in order").isEqualTo(sentTexts);
            assertThat(typed.get(sender)).as("nothing that was not typed").containsAll(sentTexts);
            assertThat(sentTexts).as("in the order typed").isSortedAccordingTo((a, b) ->
                    Integer.compare(typed.get(sender).indexOf(a), typed.get(sender).indexOf(b)));
            assertThat(sentTexts).as("every message whose queued line was printed")
                    .containsAll(queuedTexts(sender));
            List<String> shown = shownTexts(receiver, sender);
            assertThat(shown).as("shown at most once").doesNotHaveDuplicates();
            assertThat(sentTexts).containsAll(shown);
        }
        assertThat(typed.get("alice").size() + typed.get("bob").size()).isEqualTo(2 * ROUNDS * PER_ROUND);
    }

    /**
     * The recipient killed and away the whole time the sender is on, then the sender killed before the recipient is
     * back: the messages wait in the tracker's mailbox, the recipient shows them once, in order, and its receipt
     * waits there for the sender.
     */
    @Test
    void shouldDeliverByMailToAKilledRecipientAndBringTheReceiptBackToAKilledSender() throws Exception {
        // A short lease, so the tracker soon knows the killed peer is gone.
        TrackerProcess started = TrackerProcess.start(dir.resolve("tracker"), dir.resolve("tracker.err"),
                "--lease", "10", "--keepalive", "3");
        processes.add(started.process());
        tracker = started.address();
        LineProcess alice = start("alice");
        LineProcess bob = start("bob");
        alice.type("/msg bob hello, before you go");
        String hello = (String) alice.awaitJson(Map.of("event", "queued", "to", "bob"), 0, WAIT).json().get("id");
        alice.awaitJson(Map.of("event", "delivered", "id", hello), 0, WAIT);
        kill(bob);

        int mark = alice.mark();
        List<String> texts = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            texts.add("while you were away " + i);
            alice.type("/msg bob " + texts.get(texts.size() - 1));
        }
        List<String> ids = new ArrayList<>();
        for (int at = mark; ids.size() < texts.size(); ) {
            LineProcess.Line queued = alice.awaitJson(Map.of("event", "queued", "to", "bob"), at, WAIT);
            ids.add((String) queued.json().get("id"));
            at = queued.index() + 1;
        }
        for (String id : ids) {
            alice.awaitJson(Map.of("event", "sent", "id", id), mark, MAIL_WAIT); // left in the tracker's mailbox
        }
        kill(alice);

        LineProcess bobAgain = start("bob");
        bobAgain.awaitJson(Map.of("event", "message", "text", texts.get(texts.size() - 1)), 0, WAIT);
        assertThat(history(bobAgain, "alice", false).stream().map(entry -> (String) entry.get("text")).toList())
                .as("stored once each, in order").containsExactlyElementsOf(
                        java.util.stream.Stream.concat(java.util.stream.Stream.of("hello, before you go"),
                                texts.stream()).toList());

        LineProcess aliceAgain = start("alice");
        for (String id : ids) {
            aliceAgain.awaitJson(Map.of("event", "delivered", "id", id), 0, WAIT);
        }
        awaitEmptyQueue(aliceAgain);
        assertThat(shownTexts("bob", "alice")).as("shown once each").doesNotHaveDuplicates()
                .containsAll(texts);
    }

    private static String other(String name) {
        return name.equals("alice") ? "bob" : "alice";
    }

    private Run current(String name) {
        List<Run> all = runs.get(name);
        return all.get(all.size() - 1);
    }

    private static void kill(LineProcess peer) throws InterruptedException {
        peer.process().destroyForcibly(); // SIGKILL: no goodbye, no last write
        peer.process().waitFor();
    }

    private LineProcess start(String name) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(PackagedJar.command("peer", "--name", name, "--tracker", tracker,
                "--bind", "127.0.0.1", "--json", "--data-dir", dir.resolve(name).toString()))
                .redirectError(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".err").toFile()));
        LineProcess peer = LineProcess.start(name, builder);
        processes.add(peer.process());
        runs.computeIfAbsent(name, key -> new ArrayList<>()).add(new Run(peer, new ArrayList<>()));
        peer.awaitJson(Map.of("event", "started"), 0, WAIT); // the database opened
        peer.awaitJson(Map.of("event", "registered"), 0, WAIT);
        return peer;
    }

    private static void awaitEmptyQueue(LineProcess peer) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            int mark = peer.mark();
            peer.type("/queue");
            Map<String, Object> queue = peer.awaitJson(Map.of("event", "queue"), mark, WAIT).json();
            if (((List<?>) queue.get("messages")).isEmpty()) {
                return;
            }
            assertThat(System.nanoTime()).as(peer.name() + " still waits: " + queue).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> history(LineProcess peer, String with, boolean outgoing)
            throws InterruptedException, IOException {
        int mark = peer.mark();
        peer.type("/history " + with + " 10000");
        Map<String, Object> history = peer.awaitJson(Map.of("event", "history"), mark, WAIT).json();
        return ((List<Map<String, Object>>) history.get("messages")).stream()
                .filter(entry -> entry.get("direction").equals(outgoing ? "out" : "in")).toList();
    }

    /**
     * The texts of {@code sender}'s /msg commands answered "queued", over all its runs: a run answers the commands
     * typed into it one by one, in order, until it is killed.
     */
    private List<String> queuedTexts(String sender) {
        List<String> queued = new ArrayList<>();
        for (Run run : runs.get(sender)) {
            int next = 0;
            for (String line : run.io().linesFrom(0)) {
                boolean accepted = line.contains("\"event\":\"queued\"");
                if ((accepted || line.contains("\"event\":\"error\"")) && next < run.typed().size()) {
                    if (accepted) {
                        queued.add(run.typed().get(next));
                    }
                    next++;
                }
            }
        }
        return queued;
    }

    private List<String> shownTexts(String receiver, String sender) {
        List<String> shown = new ArrayList<>();
        for (Run run : runs.get(receiver)) {
            for (String line : run.io().linesFrom(0)) {
                if (line.contains("\"event\":\"message\"") && line.contains("\"from\":\"" + sender + "\"")) {
                    shown.add((String) JsonParser.object(line).get("text"));
                }
            }
        }
        return shown;
    }

    private void startTracker() throws Exception {
        TrackerProcess started = TrackerProcess.start(dir.resolve("tracker"), dir.resolve("tracker.err"));
        processes.add(started.process());
        tracker = started.address();
    }
}
