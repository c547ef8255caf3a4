package dev.p2pchat.peer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.protocol.peer.PeerFrameCodec;
import dev.p2pchat.testsupport.JsonParser;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.server.TrackerServer;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code peer} command line in line mode, driven through its standard input against a real tracker. */
@Timeout(60)
class PeerCommandTest {
    private static final Pattern LISTENING = Pattern.compile("peer \\S+ listening on udp (\\S+), fingerprint");

    @TempDir
    Path dataRoot;

    private TrackerServer tracker;
    private String trackerAddress;
    private final List<CliPeer> peers = new ArrayList<>();

    @BeforeEach
    void startTracker() throws Exception {
        tracker = new TrackerServer(TrackerConfig.builder().bindAddress("127.0.0.1").port(0)
                .lease(Duration.ofSeconds(30)).keepalive(Duration.ofSeconds(5)).build());
        trackerAddress = "127.0.0.1:" + tracker.start().getPort();
    }

    @AfterEach
    void stop() throws Exception {
        for (CliPeer peer : peers) {
            peer.close();
        }
        tracker.close();
    }

    private CliPeer peer(String name, String... extra) {
        List<String> args = new ArrayList<>(List.of("--name", name, "--tracker", trackerAddress, "--bind",
                "127.0.0.1", "--data-dir", dataRoot.resolve(name).toString()));
        args.addAll(List.of(extra));
        CliPeer peer = CliPeer.start(name, args.toArray(String[]::new));
        peers.add(peer);
        return peer;
    }

    private static CliPeer registered(CliPeer peer) throws InterruptedException {
        peer.type("/wait registered");
        peer.await(line -> line.equals("seen registered") || line.startsWith("{\"event\":\"waited\""));
        return peer;
    }

    @Test
    void shouldLetTwoPeersChatThroughTheTracker() throws Exception {
        CliPeer alice = registered(peer("alice"));
        CliPeer bob = registered(peer("bob"));

        alice.type("/msg bob hello bob, it's alice!");
        String hello = alice.awaitQueued("bob");
        alice.awaitLine("#" + hello + " delivered to bob");
        bob.awaitLine("<alice> hello bob, it's alice!");
        bob.await(line -> line.startsWith("* alice connected (127.0.0.1:"));
        alice.await(line -> line.startsWith("* bob connected (127.0.0.1:"));

        bob.type("/msg alice hi alice");
        String hi = bob.awaitQueued("alice");
        bob.awaitLine("#" + hi + " delivered to alice");
        alice.awaitLine("<bob> hi alice");
        List<String> aliceLines = alice.out.lines();
        assertThat(aliceLines.indexOf("#" + hello + " queued for bob")).as("queued before delivered")
                .isLessThan(aliceLines.indexOf("#" + hello + " delivered to bob"));

        alice.type("/history bob");
        alice.await(line -> line.equals("history with bob: 2 messages"));
        alice.await(line -> line.matches("  \\S+ -> #" + hello + " hello bob, it's alice! \\(delivered\\)"));
        alice.await(line -> line.matches("  \\S+ <- #" + hi + " hi alice"));

        assertThat(alice.quit()).isZero();
        bob.awaitLine("* alice disconnected: said goodbye");
        assertThat(alice.out.lines()).last().isEqualTo("* stopped");
        assertThat(bob.quit()).isZero();
        assertThat(alice.err.lines()).isEmpty();
        assertThat(Thread.getAllStackTraces().keySet()).as("threads left behind")
                .noneMatch(thread -> thread.getName().equals("p2pchat-output"));
    }

    @Test
    void shouldRunAScriptThatWaitsForAPeerToComeOnlineThenReadStandardInput() throws Exception {
        Path script = dataRoot.resolve("carol.txt");
        Files.writeString(script, String.join("\n", "# carol greets dave as soon as he is online",
                "/wait registered", "/wait online dave 20", "/msg dave hi dave, from a script",
                "/wait delivered dave 20", ""));
        CliPeer carol = peer("carol", "--script", script.toString());
        carol.await(line -> line.startsWith("seen registered"));
        CliPeer dave = peer("dave");

        carol.await(line -> line.startsWith("seen online dave [") && line.contains(" at 127.0.0.1:"));
        dave.awaitLine("<carol> hi dave, from a script");
        carol.awaitLine("* finished the script " + script);
        carol.type("/msg dave and this was typed");
        dave.awaitLine("<carol> and this was typed");
        assertThat(carol.out.lines()).noneMatch(line -> line.startsWith("error:"));
        assertThat(carol.quit()).isZero();
    }

    @Test
    void shouldStopAtAQuitInTheScriptWithoutReadingStandardInput() throws Exception {
        Path script = dataRoot.resolve("quits.txt");
        Files.writeString(script, "/wait registered\n/quit\n/msg nobody never sent\n");
        CliPeer quitter = peer("quitter", "--script", script.toString());

        assertThat(quitter.exitCode()).isZero();
        assertThat(quitter.out.lines()).contains("seen registered").last().isEqualTo("* stopped");
        assertThat(quitter.out.lines()).noneMatch(line -> line.contains("finished the script")
                || line.startsWith("error:"));
    }

    @Test
    void shouldSayWhyNobodyComesOnline() throws Exception {
        CliPeer alone = registered(peer("alone"));
        alone.type("/wait online nobody 1");
        alone.awaitLine("error: waited 1 s; nobody is not online: no peer named nobody is registered with the "
                + "tracker");
        alone.type("/wait online");
        alone.awaitLine("error: say who: /wait online NAME; usage: /wait EVENT [NAME] [SECONDS] | "
                + "/wait online NAME [SECONDS]");
    }

    @Test
    void shouldChatWithoutATrackerThroughABootstrapAddress() throws Exception {
        CliPeer bob = CliPeer.start("bob", "--name", "bob", "--bind", "127.0.0.1", "--data-dir",
                dataRoot.resolve("bob").toString());
        peers.add(bob);
        Matcher listening = LISTENING.matcher(bob.awaitContaining(" listening on udp "));
        assertThat(listening.find()).isTrue();
        CliPeer alice = CliPeer.start("alice", "--name", "alice", "--bind", "127.0.0.1", "--bootstrap",
                listening.group(1), "--data-dir", dataRoot.resolve("alice").toString());
        peers.add(alice);

        alice.type("/wait connected " + listening.group(1));
        alice.awaitLine("seen connected " + listening.group(1));
        alice.type("/msg bob found you");
        bob.awaitLine("<alice> found you");
        bob.type("/who");
        bob.awaitLine("error: no tracker is configured");
        bob.type("/wait online alice");
        bob.awaitLine("error: no tracker is configured: nobody is online");
        bob.type("/msg alice and you");
        alice.awaitLine("<bob> and you");
    }

    @Test
    void shouldPrintOneJsonObjectPerLineInJsonMode() throws Exception {
        CliPeer alice = registered(peer("alice", "--json"));
        CliPeer bob = registered(peer("bob", "--json"));
        String tricky = "quotes \" backslash \\ tab \t bell \u0007 é 😀 \u2028 </script>";

        alice.type("/msg bob " + tricky);
        String id = alice.awaitQueuedJson("bob");
        alice.awaitJson(Map.of("event", "sent", "id", id, "to", "bob"));
        alice.awaitJson(Map.of("event", "delivered", "id", id, "to", "bob"));
        Map<String, Object> message = bob.awaitJson(Map.of("event", "message", "from", "alice"));
        assertThat(message).containsEntry("text", tricky.strip()).containsEntry("broadcast", false)
                .containsKey("fingerprint");

        // The side that answered the handshake counts as connected once a sealed frame confirms the keys, which
        // can come after the first message is shown; a broadcast goes to connected peers only.
        bob.awaitJson(Map.of("event", "connected", "name", "alice"));
        bob.type("/broadcast to everyone");
        bob.awaitJson(Map.of("event", "broadcast"));
        alice.awaitJson(Map.of("event", "message", "from", "bob", "text", "to everyone", "broadcast", true));

        alice.type("/nick alicia");
        alice.awaitJson(Map.of("event", "nick", "name", "alicia"));
        bob.awaitJson(Map.of("event", "renamed", "name", "alicia", "old", "alice"));

        bob.type("/friend request alicia let's be friends");
        bob.awaitJson(Map.of("event", "friend_request_sent", "to", "alicia"));
        alice.awaitJson(Map.of("event", "friend_request", "from", "bob", "note", "let's be friends"));
        alice.type("/friend accept bob");
        bob.awaitJson(Map.of("event", "friend_accepted", "name", "alicia"));

        alice.type("/who");
        Map<String, Object> who = alice.awaitJson(Map.of("event", "who"));
        assertThat(who.get("peers")).asInstanceOf(InstanceOfAssertFactories.LIST).hasSize(2);
        alice.type("/peers");
        Map<String, Object> listed = alice.awaitJson(Map.of("event", "peers"));
        assertThat(listed.get("peers")).asInstanceOf(InstanceOfAssertFactories.LIST).singleElement()
                .asInstanceOf(InstanceOfAssertFactories.MAP)
                .containsEntry("name", "bob").containsEntry("friend", "friend").containsEntry("connected", true)
                .containsEntry("path", "direct").containsKeys("fingerprint", "address", "rtt_ms", "last_seen");
        alice.type("/lookup nobody");
        alice.awaitJson(Map.of("event", "error", "message", "no peer named nobody is registered with the tracker"));

        assertThat(alice.quit()).isZero();
        assertThat(bob.quit()).isZero();
        for (CliPeer peer : List.of(alice, bob)) {
            for (String line : peer.out.lines()) {
                assertThat(JsonParser.object(line)).as(line).containsKey("event");
            }
            assertThat(peer.out.lines()).last().isEqualTo("{\"event\":\"stopped\"}");
        }
        assertThat(JsonParser.object(alice.out.lines().get(0))).containsEntry("event", "started")
                .containsEntry("name", "alice").containsKeys("address", "fingerprint");
    }

    private static final Pattern STATS = Pattern.compile("punch attempts: (\\d+); ended direct: (\\d+), through the "
            + "relay: (\\d+), failed: (\\d+); malformed datagrams dropped: (\\d+); unauthenticated datagrams from the "
            + "tracker's address dropped: (\\d+)(; other datagrams dropped: .*)?; messages that arrived and could not "
            + "be stored: 0; store writes refused \\(queue full\\): 0, failed: 0; mail that did not open: 0");

    /** What {@code /stats} says, in text or in JSON. */
    private record Stats(long attempts, long direct, long relayed, long failed, long malformed,
            long trackerRefused) {
        static Stats of(String line) {
            Matcher stats = STATS.matcher(line);
            assertThat(stats.matches()).as(line).isTrue();
            return new Stats(Long.parseLong(stats.group(1)), Long.parseLong(stats.group(2)),
                    Long.parseLong(stats.group(3)), Long.parseLong(stats.group(4)), Long.parseLong(stats.group(5)),
                    Long.parseLong(stats.group(6)));
        }

        static Stats of(Map<String, Object> json) {
            assertThat(json).containsOnlyKeys("event", "attempts", "direct", "relayed", "failed", "malformed",
                    "tracker_refused", "dropped", "unstored", "store_refused", "store_failed", "mail_unopened");
            assertThat(json).containsEntry("unstored", 0L).containsEntry("store_refused", 0L)
                    .containsEntry("store_failed", 0L).containsEntry("mail_unopened", 0L);
            return new Stats((Long) json.get("attempts"), (Long) json.get("direct"), (Long) json.get("relayed"),
                    (Long) json.get("failed"), (Long) json.get("malformed"), (Long) json.get("tracker_refused"));
        }
    }

    /**
     * After one conversation on 127.0.0.1: it ended direct on both sides, nothing went through the relay or failed,
     * and nothing malformed arrived. Both sides punch, the looking-up side and the introduced one, unless one
     * side's conversation was already open by the other's initiation when its own lookup answer came: so at least one
     * attempt between them.
     */
    private static void assertOneDirectConversation(Map<String, Stats> stats) {
        stats.forEach((who, counted) -> {
            assertThat(counted.direct()).as(who + ": ended direct in " + counted).isGreaterThanOrEqualTo(1);
            assertThat(counted.relayed()).as(who + ": relayed in " + counted).isZero();
            assertThat(counted.failed()).as(who + ": failed in " + counted).isZero();
            assertThat(counted.malformed()).as(who + ": malformed in " + counted).isZero();
            assertThat(counted.trackerRefused()).as(who + ": refused from the tracker in " + counted).isZero();
        });
        assertThat(stats.values().stream().mapToLong(Stats::attempts).sum()).as("attempts in " + stats)
                .isGreaterThanOrEqualTo(1);
    }

    @Test
    void shouldCountPunchAttemptsAndHowTheyEndedInStats() throws Exception {
        CliPeer alice = registered(peer("alice"));
        CliPeer bob = registered(peer("bob"));
        alice.type("/stats");
        assertThat(Stats.of(alice.await(line -> line.startsWith("punch attempts: "))))
                .as("before any conversation").isEqualTo(new Stats(0, 0, 0, 0, 0, 0));

        alice.type("/msg bob counted");
        alice.awaitLine("#" + alice.awaitQueued("bob") + " delivered to bob");
        bob.awaitLine("<alice> counted");
        alice.await(line -> line.startsWith("* bob connected (127.0.0.1:"));
        bob.await(line -> line.startsWith("* alice connected (127.0.0.1:"));

        Map<String, Stats> stats = new LinkedHashMap<>();
        for (CliPeer peer : List.of(alice, bob)) {
            int from = peer.out.lines().size();
            peer.type("/stats");
            stats.put(peer.name, Stats.of(peer.out.await(line -> line.startsWith("punch attempts: "), from)));
            peer.type("/stats now");
            peer.awaitLine("error: takes no arguments; usage: /stats");
        }
        assertOneDirectConversation(stats);
        assertThat(alice.out.lines()).noneMatch(line -> line.contains("through the tracker's relay"));
        assertThat(alice.quit()).isZero();
        assertThat(bob.quit()).isZero();
    }

    @Test
    void shouldCountDroppedDatagramsByReasonInStats() throws Exception {
        CliPeer bob = peer("bob");
        Matcher listening = LISTENING.matcher(bob.awaitContaining(" listening on udp "));
        assertThat(listening.find()).isTrue();
        InetSocketAddress bobAddress = HostPort.parse(listening.group(1));
        byte[] forNoSession = new byte[33];
        PeerFrameCodec.putTransportHeader(forNoSession, 0x1234_5678, 0);
        try (DatagramSocket stranger = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            stranger.send(new DatagramPacket(new byte[] {1, 2, 3}, 3, bobAddress));
            stranger.send(new DatagramPacket(forNoSession, forNoSession.length, bobAddress));
            stranger.send(new DatagramPacket(forNoSession, forNoSession.length, bobAddress));
        }

        String expected = "punch attempts: 0; ended direct: 0, through the relay: 0, failed: 0; malformed datagrams "
                + "dropped: 1; unauthenticated datagrams from the tracker's address dropped: 0; other datagrams "
                + "dropped: unknown index: 2; messages that arrived and could not be stored: 0; store writes refused "
                + "(queue full): 0, failed: 0; mail that did not open: 0";
        String said = "";
        for (int poll = 0; poll < 50 && !said.equals(expected); poll++) {
            Thread.sleep(poll == 0 ? 0 : 50);
            int from = bob.out.lines().size();
            bob.type("/stats");
            said = bob.out.await(line -> line.startsWith("punch attempts: "), from);
        }
        assertThat(said).isEqualTo(expected);
        assertThat(bob.quit()).isZero();
    }

    @Test
    void shouldReportThePathAndTheStatsInJsonMode() throws Exception {
        CliPeer alice = registered(peer("alice", "--json"));
        CliPeer bob = registered(peer("bob", "--json"));

        alice.type("/msg bob which way?");
        alice.awaitJson(Map.of("event", "delivered", "id", alice.awaitQueuedJson("bob"), "to", "bob"));
        bob.awaitJson(Map.of("event", "message", "from", "alice", "text", "which way?"));
        Map<String, Object> aliceConnected = alice.awaitJson(Map.of("event", "connected", "name", "bob"));
        Map<String, Object> bobConnected = bob.awaitJson(Map.of("event", "connected", "name", "alice"));
        assertThat(aliceConnected).containsEntry("path", "direct");
        assertThat((String) aliceConnected.get("address")).startsWith("127.0.0.1:");
        assertThat(bobConnected).containsEntry("path", "direct");
        assertThat((String) bobConnected.get("address")).startsWith("127.0.0.1:");

        Map<String, Stats> stats = new LinkedHashMap<>();
        for (CliPeer peer : List.of(alice, bob)) {
            peer.type("/stats");
            stats.put(peer.name, Stats.of(peer.awaitJson(Map.of("event", "stats"))));
        }
        assertOneDirectConversation(stats);
        assertThat(alice.out.lines()).noneMatch(line -> line.contains("\"event\":\"path\""));

        assertThat(alice.quit()).isZero();
        assertThat(bob.quit()).isZero();
        for (CliPeer peer : List.of(alice, bob)) {
            for (String line : peer.out.lines()) {
                assertThat(JsonParser.object(line)).as(line).containsKey("event");
            }
        }
    }

    @Test
    void shouldAnswerBadInputWithAnErrorLineAndKeepRunning() throws Exception {
        CliPeer alice = registered(peer("alice"));
        CliPeer bob = registered(peer("bob"));
        List<String> bad = List.of(
                "/frobnicate",
                "hello there",
                "/msg",
                "/msg bob",
                "/msg nobody hi",
                "/msg bob " + "x".repeat(65_537),
                "/broadcast " + "é".repeat(32_769),
                "/connect 127.0.0.1:notaport",
                "/connect [::1",
                "/disconnect bob",
                "/friend",
                "/friend hug bob",
                "/friend accept bob",
                "/unblock bob",
                "/history nobody",
                "/nick Not-A-Name",
                "/who everyone",
                "/sleep soon",
                "/wait nothing",
                "/wait message bob 0");
        for (String line : bad) {
            alice.type(line);
        }
        alice.type("/msg bob still here");

        alice.awaitLine("#" + alice.awaitQueued("bob") + " delivered to bob");
        bob.awaitLine("<alice> still here");
        List<String> errors = alice.out.lines().stream().filter(line -> line.startsWith("error: ")).toList();
        assertThat(errors).hasSize(bad.size());
        assertThat(errors).contains(
                "error: unknown command /frobnicate (/help lists the commands)",
                "error: missing NAME; usage: /msg NAME TEXT",
                "error: nothing to send; usage: /msg NAME TEXT",
                "error: no peer named nobody is registered with the tracker",
                "error: the message is 65537 bytes in UTF-8; the limit is 65512",
                "error: the message is 65538 bytes in UTF-8; the limit is 65512",
                "error: '127.0.0.1:notaport': the port is not a number",
                "error: waited 0 s; no message bob event has been seen");
        assertThat(errors).anyMatch(line -> line.startsWith("error: no friend action 'hug'"));
        assertThat(errors).anyMatch(line -> line.startsWith("error: name 'Not-A-Name'"));
        assertThat(errors).anyMatch(line -> line.startsWith("error: no event 'nothing'; events are registered,"));
        assertThat(alice.quit()).isZero();
    }

    @Test
    void shouldListEveryOptionWithItsEnvironmentVariableInHelp() throws Exception {
        CliPeer help = CliPeer.run("--help");

        assertThat(help.exitCode()).isZero();
        assertThat(help.out.toString()).contains("--name", "P2PCHAT_NAME", "--tracker", "P2PCHAT_TRACKER",
                "--bind", "P2PCHAT_BIND", "--port", "P2PCHAT_PORT", "--bootstrap", "P2PCHAT_BOOTSTRAP",
                "--script", "P2PCHAT_SCRIPT",
                "--data-dir", "P2PCHAT_DATA_DIR", "--friends-only", "P2PCHAT_FRIENDS_ONLY", "--log-level",
                "P2PCHAT_LOG_LEVEL", "--json", "P2PCHAT_JSON", "--message-ttl", "P2PCHAT_MESSAGE_TTL", "send",
                "Exit codes", "Default: 0.0.0.0", "Default: ~/.p2pchat/NAME", "Default: WARN", "Default: 7d");

        CliPeer sendHelp = CliPeer.run("send", "--help");
        assertThat(sendHelp.exitCode()).isZero();
        assertThat(sendHelp.out.toString()).contains("--timeout", "--name", "P2PCHAT_TRACKER", "TO", "TEXT");
    }

    @Test
    void shouldExitWith2AndTheReasonForABadOption() throws Exception {
        String data = dataRoot.resolve("x").toString();
        assertBadOption("--name is required", "--data-dir", data);
        assertBadOption("name 'Alice'", "--name", "Alice", "--data-dir", data);
        assertBadOption("bind port must be 0 to 65535", "--name", "a", "--port", "70000", "--data-dir", data);
        assertBadOption("--tracker 'localhost:x': the port must be a number", "--name", "a", "--tracker",
                "localhost:x", "--data-dir", data);
        assertBadOption("--bootstrap '127.0.0.1' is not host:port", "--name", "a", "--bootstrap", "127.0.0.1",
                "--data-dir", data);
        assertBadOption("--message-ttl 'a week' is not a duration", "--name", "a", "--message-ttl", "a week",
                "--data-dir", data);
        assertBadOption("1 minute to 365 days, not 525600000 minutes", "--name", "a", "--message-ttl", "365000d",
                "--data-dir", data);
        assertBadOption("Invalid value for option '--log-level'", "--name", "a", "--log-level", "LOUD");
        assertBadOption("Unknown option: '--no-such-option'", "--name", "a", "--no-such-option");
        assertBadOption("--timeout must be 1 to 3600", "send", "--name", "a", "--timeout", "0", "--data-dir",
                data, "bob", "hi");
        assertBadOption("the message is 65537 bytes", "send", "--name", "a", "--data-dir", data, "bob",
                "x".repeat(65_537));
        assertBadOption("--script '" + dataRoot.resolve("none.txt") + "' is not a readable file", "--name", "a",
                "--data-dir", data, "--script", dataRoot.resolve("none.txt").toString());
        assertBadOption("Missing required parameter", "send", "--name", "a", "--data-dir", data, "bob");
    }

    private static void assertBadOption(String reason, String... args) throws Exception {
        CliPeer run = CliPeer.run(args);
        assertThat(run.exitCode()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(run.err.toString()).contains(reason);
        assertThat(run.out.lines()).isEmpty();
    }

    @Test
    void shouldExitWith1WhenThePortIsTaken() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            CliPeer run = CliPeer.run("--name", "alice", "--bind", "127.0.0.1", "--port",
                    Integer.toString(taken.getLocalPort()), "--data-dir", dataRoot.resolve("alice").toString());

            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.err.toString()).contains("peer: cannot start on 127.0.0.1:" + taken.getLocalPort());
        }
    }

    @Test
    void shouldSendOneMessageAndExitZeroOnceAcknowledged() throws Exception {
        CliPeer bob = registered(peer("bob"));

        CliPeer send = CliPeer.run("send", "--name", "carol", "--tracker", trackerAddress, "--bind", "127.0.0.1",
                "--data-dir", dataRoot.resolve("carol").toString(), "bob", "one", "shot");

        assertThat(send.exitCode()).as(send.toString()).isZero();
        assertThat(send.out.lines()).hasSize(1);
        assertThat(send.out.lines().get(0)).matches("#[0-9a-f]{8} delivered to bob");
        bob.awaitLine("<carol> one shot");
        // The answering side counts as connected only once a sealed frame confirms the keys; a sender that leaves at
        // once may say goodbye before that, which the library reports as a failed connection.
        bob.await(line -> line.equals("* carol disconnected: said goodbye")
                || line.equals("* could not connect to carol: said goodbye"));
    }

    @Test
    void shouldSendByAddressWithoutATracker() throws Exception {
        CliPeer bob = CliPeer.start("bob", "--name", "bob", "--bind", "127.0.0.1", "--data-dir",
                dataRoot.resolve("bob").toString());
        peers.add(bob);
        Matcher listening = LISTENING.matcher(bob.awaitContaining(" listening on udp "));
        assertThat(listening.find()).isTrue();

        CliPeer send = CliPeer.run("send", "--name", "carol", "--bind", "127.0.0.1", "--json", "--data-dir",
                dataRoot.resolve("carol").toString(), listening.group(1), "by address");

        assertThat(send.exitCode()).as(send.toString()).isZero();
        assertThat(JsonParser.object(send.out.lines().get(0))).containsEntry("event", "delivered")
                .containsEntry("to", "bob");
        bob.awaitLine("<carol> by address");
    }

    @Test
    void shouldExitOneAndSayWhyWhenThePeerIsUnknown() throws Exception {
        CliPeer send = CliPeer.run("send", "--name", "carol", "--tracker", trackerAddress, "--bind", "127.0.0.1",
                "--data-dir", dataRoot.resolve("carol").toString(), "nobody", "hello?");

        assertThat(send.exitCode()).isEqualTo(1);
        assertThat(send.err.toString()).contains(
                "peer send: not delivered to nobody: no peer named nobody is registered with the tracker");
        assertThat(send.out.lines()).isEmpty();
    }
}
