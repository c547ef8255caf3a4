package dev.p2pchat.peer.cli;

import dev.p2pchat.peer.api.DirectoryPage;
import dev.p2pchat.peer.api.HistoryEntry;
import dev.p2pchat.peer.api.HostPort;
import dev.p2pchat.peer.api.MessageId;
import dev.p2pchat.peer.api.PathStats;
import dev.p2pchat.peer.api.PeerLocation;
import dev.p2pchat.peer.api.PeerNode;
import dev.p2pchat.peer.api.PeerRef;
import dev.p2pchat.peer.api.PeerView;
import dev.p2pchat.peer.link.LinkTable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The chat commands ({@code /msg bob hi}), one line at a time, for the interactive shell and for scripts alike.
 * Each command runs to the end before the next line is read, and prints exactly one report: its result, or an
 * error that says what was wrong. Bad input never stops the peer and changes nothing.
 */
final class Commands {
    /** How long a command waits for the peer (a lookup retransmits for up to 15 s). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    static final long DEFAULT_WAIT_SECONDS = 10;
    static final long MAX_WAIT_SECONDS = 3600;
    static final long MAX_SLEEP_MILLIS = TimeUnit.HOURS.toMillis(1);
    /** How often {@code /wait online} asks the tracker again. */
    static final long ONLINE_POLL_MILLIS = 500;
    /** What {@code /wait} waits for besides the events: a peer the tracker knows. */
    static final String ONLINE = "online";
    /** What {@code /wait} accepts first: the event names, then {@link #ONLINE}. */
    static final List<String> WAIT_KINDS = Stream.concat(EventReports.KINDS.stream(), Stream.of(ONLINE)).toList();
    /** A listing walks the tracker's table page by page; this bounds a tracker that never says "last page". */
    static final int MAX_WHO_PAGES = 10_000;
    /** Messages {@code /history} and {@code /search} show unless told otherwise. */
    static final int DEFAULT_PAGE = 50;

    /** What a command's argument is, for the shell's completion. */
    enum Argument { NONE, PEER, FRIEND_ACTION, EVENT }

    /** One way to use a command, as {@code /help} lists it. */
    record Usage(String usage, String description) {}

    /** One command: its name, how to use it, and what its first argument is. */
    record Spec(String name, List<Usage> usages, Argument argument) {
        String usage() {
            return String.join(" | ", usages.stream().map(Usage::usage).toList());
        }
    }

    private interface Action {
        void run(String args) throws InterruptedException;
    }

    /** Input that does not fit the command's usage. */
    private static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    private final PeerNode node;
    private final Printer printer;
    private final EventFeed feed;
    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private final Map<String, Action> actions = new LinkedHashMap<>();

    Commands(PeerNode node, Printer printer, EventFeed feed) {
        this.node = node;
        this.printer = printer;
        this.feed = feed;
        add("msg", "/msg NAME TEXT", "send TEXT to the peer called NAME", Argument.PEER, this::msg);
        add("broadcast", "/broadcast TEXT", "send TEXT to every connected peer", Argument.NONE, this::broadcast);
        add("who", "/who", "list the peers registered with the tracker", Argument.NONE, this::who);
        add("lookup", "/lookup NAME", "ask the tracker where NAME is (and introduce the two of you)",
                Argument.PEER, this::lookup);
        add("peers", "/peers", "list the peers known here, with their state", Argument.NONE, this::peers);
        add("stats", "/stats", "count the attempts to reach peers (direct, relayed, failed) and dropped datagrams",
                Argument.NONE, this::stats);
        add("connect", "/connect NAME|HOST:PORT", "open a conversation with a peer by name or address",
                Argument.PEER, this::connect);
        add("disconnect", "/disconnect NAME", "say goodbye to a connected peer", Argument.PEER, this::disconnect);
        add("nick", "/nick NEWNAME", "go by NEWNAME from now on", Argument.NONE, this::nick);
        add("friend", List.of(
                new Usage("/friend request NAME [NOTE]", "ask NAME to be friends"),
                new Usage("/friend accept NAME", "accept NAME's friend request"),
                new Usage("/friend decline NAME", "decline NAME's friend request"),
                new Usage("/friend remove NAME", "end the friendship with NAME")), Argument.FRIEND_ACTION,
                this::friend);
        add("block", "/block NAME", "hang up on NAME and accept nothing more from it", Argument.PEER,
                this::block);
        add("unblock", "/unblock NAME", "accept NAME again", Argument.PEER, this::unblock);
        add("history", "/history NAME [N]", "show the N newest messages with NAME (" + DEFAULT_PAGE + ")",
                Argument.PEER, this::history);
        add("search", "/search WORDS", "show the " + DEFAULT_PAGE + " newest messages that hold every word "
                + "(a word matches words that start with it)", Argument.NONE, this::search);
        add("queue", "/queue", "list the messages waiting for their receivers, and why", Argument.NONE,
                this::queue);
        add("cancel", "/cancel ID", "drop a waiting message (ID: the first digits /queue shows)", Argument.NONE,
                this::cancel);
        add("verify", List.of(
                new Usage("/verify NAME", "show the safety number to compare with NAME out of band"),
                new Usage("/verify NAME confirm", "mark NAME as verified once the numbers matched")),
                Argument.PEER, this::verify);
        add("sleep", "/sleep MILLIS", "pause the script for MILLIS milliseconds", Argument.NONE, this::sleep);
        add("wait", List.of(
                new Usage("/wait EVENT [NAME] [SECONDS]", "wait until EVENT (about NAME) has been seen since start, "
                        + "for up to SECONDS (" + DEFAULT_WAIT_SECONDS + ")"),
                new Usage("/wait online NAME [SECONDS]", "wait until NAME is registered with the tracker")),
                Argument.EVENT, this::await);
        add("help", "/help", "list the commands", Argument.NONE, args -> help());
        add("quit", "/quit", "say goodbye to everyone and exit (as Ctrl-D does)", Argument.NONE, args -> { });
    }

    private void add(String name, String usage, String description, Argument argument, Action action) {
        add(name, List.of(new Usage(usage, description)), argument, action);
    }

    private void add(String name, List<Usage> usages, Argument argument, Action action) {
        specs.put(name, new Spec(name, usages, argument));
        actions.put(name, action);
    }

    /** Every command, in {@code /help} order. */
    List<Spec> specs() {
        return List.copyOf(specs.values());
    }

    /**
     * Runs one line: a command, an empty line or a {@code #} comment (both ignored).
     *
     * @return false once the line asked to quit
     * @throws InterruptedException when the thread is interrupted while the command waits
     */
    boolean run(String line) throws InterruptedException {
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            return true;
        }
        if (!trimmed.startsWith("/")) {
            printer.error("not a command: commands start with / (/msg NAME TEXT sends a message; /help lists "
                    + "them all)");
            return true;
        }
        int space = firstSpace(trimmed);
        String name = trimmed.substring(1, space).toLowerCase(Locale.ROOT);
        String args = trimmed.substring(space).strip();
        if (name.equals("quit") || name.equals("exit")) {
            return false;
        }
        Action action = actions.get(name);
        if (action == null) {
            printer.error("unknown command /" + name + " (/help lists the commands)");
            return true;
        }
        try {
            action.run(args);
        } catch (UsageException e) {
            printer.error(e.getMessage() + "; usage: " + specs.get(name).usage());
        }
        return true;
    }

    /**
     * Runs every line of {@code input} until its end or a {@code /quit}.
     *
     * @return false once a line asked to quit
     */
    boolean runAll(LineInput input) throws IOException, InterruptedException {
        LineInput.Line line;
        while ((line = input.next()) != null) {
            if (line.tooLong()) {
                printer.error("line too long (more than " + LineInput.MAX_LINE_CHARS + " characters); ignored");
            } else if (!run(line.text())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Runs the commands in {@code file}, then reports that the script finished (what a supervisor waits for before
     * it ends the peer); a file that fails to read is reported and ends the script.
     *
     * @return false when the script asked to quit
     */
    boolean runScript(Path file) throws InterruptedException {
        try (LineInput input = new LineInput(Files.newInputStream(file))) {
            if (!runAll(input)) {
                return false;
            }
        } catch (IOException e) {
            printer.error("script " + file + " could not be read: " + problem(e));
        }
        printer.print(new Report("* finished the script " + file, Json.event("script_finished")
                .put("file", file.toString())));
        return true;
    }

    // ---- the commands ----

    private void msg(String args) throws InterruptedException {
        String[] nameAndText = nameAndRest(args, true);
        request(node.send(nameAndText[0], nameAndText[1]), id -> new Report("#" + id + " queued for "
                + nameAndText[0], Json.event("queued").put("id", id.hex()).put("to", nameAndText[0])));
    }

    private void broadcast(String args) throws InterruptedException {
        if (args.isEmpty()) {
            throw new UsageException("nothing to send");
        }
        request(node.broadcast(args), ids -> {
            List<String> numbered = ids.stream().map(id -> "#" + id).toList();
            String text = ids.isEmpty() ? "broadcast to nobody: no peer is connected"
                    : String.join(", ", numbered) + " broadcast to " + ids.size()
                            + (ids.size() == 1 ? " peer" : " peers");
            return new Report(text, Json.event("broadcast").putStrings("ids",
                    ids.stream().map(MessageId::hex).toList()));
        });
    }

    private void who(String args) throws InterruptedException {
        noArguments(args);
        List<DirectoryPage.Entry> all = new ArrayList<>();
        int cursor = 0;
        for (int page = 0; page < MAX_WHO_PAGES; page++) {
            DirectoryPage listed = await(node.who(cursor));
            if (listed == null) {
                return;
            }
            all.addAll(listed.entries());
            cursor = listed.nextCursor();
            if (cursor == 0) {
                break;
            }
        }
        List<String[]> rows = new ArrayList<>();
        List<Json> peers = new ArrayList<>();
        for (DirectoryPage.Entry entry : all) {
            String fingerprint = PeerRef.fingerprint(entry.identityKey());
            feed.learn(entry.name());
            rows.add(new String[] {"  " + Text.safe(entry.name()), fingerprint});
            peers.add(new Json().put("name", entry.name()).put("fingerprint", fingerprint));
        }
        String text = all.size() + (all.size() == 1 ? " peer" : " peers") + " registered with the tracker"
                + (rows.isEmpty() ? "" : "\n" + table(rows));
        printer.print(new Report(text, Json.event("who").putObjects("peers", peers)));
    }

    private void lookup(String args) throws InterruptedException {
        String name = oneWord(args, "a name");
        request(node.lookup(name), info -> lookupReport(info));
    }

    private static Report lookupReport(PeerLocation info) {
        String fingerprint = PeerRef.fingerprint(info.identityKey());
        List<String> privateAddresses = info.privateAddresses().stream().map(HostPort::format).toList();
        String text = Text.safe(info.name()) + " [" + fingerprint + "] at " + HostPort.format(info.observed())
                + (privateAddresses.isEmpty() ? "" : " (private " + String.join(", ", privateAddresses) + ")");
        return new Report(text, Json.event("lookup").put("name", info.name()).put("fingerprint", fingerprint)
                .put("observed", HostPort.format(info.observed())).putStrings("private", privateAddresses));
    }

    private void peers(String args) throws InterruptedException {
        noArguments(args);
        request(node.peers(), views -> {
            views.forEach(view -> feed.learn(view.peer()));
            return peersReport(views, Instant.now());
        });
    }

    static Report peersReport(List<PeerView> views, Instant now) {
        List<Json> peers = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"NAME", "FINGERPRINT", "ADDRESS", "PATH", "RTT", "LAST SEEN", "FRIEND", "VERIFIED",
            "CONNECTED"});
        for (PeerView view : views) {
            String address = view.address() == null ? null : HostPort.format(view.address());
            String friend = view.friend().name().toLowerCase(Locale.ROOT);
            rows.add(new String[] {Text.safe(view.peer().label()), view.peer().fingerprint(),
                address == null ? "-" : address, view.path(), view.rttMillis() < 0 ? "-" : view.rttMillis() + " ms",
                view.lastSeen() == null ? "never" : ago(view.lastSeen(), now), friend,
                view.verified() ? "yes" : "no", view.connected() ? "yes" : "no"});
            Json json = new Json().put("name", view.peer().name()).put("fingerprint", view.peer().fingerprint())
                    .put("address", address).put("path", view.path());
            if (view.rttMillis() < 0) {
                json.putNull("rtt_ms");
            } else {
                json.put("rtt_ms", view.rttMillis());
            }
            json.put("last_seen", view.lastSeen() == null ? null : view.lastSeen().toString())
                    .put("friend", friend).put("verified", view.verified()).put("lookalike", view.peer().lookalike())
                    .put("connected", view.connected());
            peers.add(json);
        }
        String text = views.isEmpty() ? "no peers known yet" : table(rows);
        return new Report(text, Json.event("peers").putObjects("peers", peers));
    }

    private void stats(String args) throws InterruptedException {
        noArguments(args);
        request(node.paths(), paths -> statsReport(paths, node.malformedDatagrams(), node.refusedTrackerDatagrams(),
                droppedFrames(), new StoreStats(node.unstoredMessages(), node.storeWritesRefused(),
                        node.storeWritesFailed(), node.unopenedMail())));
    }

    /** Frames that decoded but were dropped, by reason, the reasons that never happened left out. */
    private Map<LinkTable.Drop, Long> droppedFrames() {
        Map<LinkTable.Drop, Long> dropped = new EnumMap<>(LinkTable.Drop.class);
        for (LinkTable.Drop reason : LinkTable.Drop.values()) {
            long count = node.droppedDatagrams(reason);
            if (reason != LinkTable.Drop.MALFORMED && count > 0) {
                dropped.put(reason, count);
            }
        }
        return dropped;
    }

    /** What the store could not keep, and the mail that did not open. */
    record StoreStats(long unstored, long writesRefused, long writesFailed, long unopenedMail) {}

    static Report statsReport(PathStats paths, long malformed, long refusedFromTracker,
            Map<LinkTable.Drop, Long> dropped, StoreStats store) {
        StringBuilder text = new StringBuilder("punch attempts: " + paths.attempts() + "; ended direct: "
                + paths.direct() + ", through the relay: " + paths.relayed() + ", failed: " + paths.failed()
                + "; malformed datagrams dropped: " + malformed
                + "; unauthenticated datagrams from the tracker's address dropped: " + refusedFromTracker);
        Json droppedJson = new Json();
        List<String> reasons = new ArrayList<>();
        dropped.forEach((reason, count) -> {
            String name = reason.name().toLowerCase(Locale.ROOT);
            reasons.add(name.replace('_', ' ') + ": " + count);
            droppedJson.put(name, count);
        });
        if (!reasons.isEmpty()) {
            text.append("; other datagrams dropped: ").append(String.join(", ", reasons));
        }
        text.append("; messages that arrived and could not be stored: ").append(store.unstored())
                .append("; store writes refused (queue full): ").append(store.writesRefused())
                .append(", failed: ").append(store.writesFailed())
                .append("; mail that did not open: ").append(store.unopenedMail());
        return new Report(text.toString(), Json.event("stats").put("attempts", paths.attempts())
                .put("direct", paths.direct()).put("relayed", paths.relayed()).put("failed", paths.failed())
                .put("malformed", malformed).put("tracker_refused", refusedFromTracker).put("dropped", droppedJson)
                .put("unstored", store.unstored()).put("store_refused", store.writesRefused())
                .put("store_failed", store.writesFailed()).put("mail_unopened", store.unopenedMail()));
    }

    private void connect(String args) throws InterruptedException {
        String target = oneWord(args, "a name or HOST:PORT");
        request(node.connect(target), done -> new Report("connecting to " + Text.safe(target),
                Json.event("connecting").put("target", target)));
    }

    private void disconnect(String args) throws InterruptedException {
        String name = oneWord(args, "a name");
        request(node.disconnect(name), done -> new Report("disconnecting from " + Text.safe(name),
                Json.event("disconnecting").put("name", name)));
    }

    private void nick(String args) throws InterruptedException {
        String name = oneWord(args, "the new name");
        request(node.rename(name), done -> new Report("you are now " + name, Json.event("nick").put("name", name)));
    }

    private void friend(String args) throws InterruptedException {
        if (args.isEmpty()) {
            throw new UsageException("say what to do");
        }
        String[] actionAndRest = nameAndRest(args, false);
        String action = actionAndRest[0].toLowerCase(Locale.ROOT);
        switch (action) {
            case "request" -> {
                String[] nameAndNote = nameAndRest(actionAndRest[1], false);
                friendRequest(node.requestFriend(nameAndNote[0], nameAndNote[1]), nameAndNote[0],
                        "friend_request_sent", "friend request sent to ");
            }
            case "accept" -> friendRequest(node.acceptFriend(oneWord(actionAndRest[1], "a name")),
                    actionAndRest[1], "friend_accept_sent", "accepted the friend request of ");
            case "decline" -> friendRequest(node.declineFriend(oneWord(actionAndRest[1], "a name")),
                    actionAndRest[1], "friend_decline_sent", "declined the friend request of ");
            case "remove" -> friendRequest(node.removeFriend(oneWord(actionAndRest[1], "a name")),
                    actionAndRest[1], "friend_remove_sent", "ended the friendship with ");
            default -> throw new UsageException("no friend action '" + action + "'");
        }
    }

    private void friendRequest(CompletableFuture<MessageId> sent, String name, String event, String text)
            throws InterruptedException {
        request(sent, id -> new Report("#" + id + " " + text + name,
                Json.event(event).put("id", id.hex()).put("to", name)));
    }

    private void block(String args) throws InterruptedException {
        String name = oneWord(args, "a name");
        request(node.block(name), done -> new Report("blocked " + name, Json.event("blocked").put("name", name)));
    }

    private void unblock(String args) throws InterruptedException {
        String name = oneWord(args, "a name");
        request(node.unblock(name), done -> new Report("unblocked " + name,
                Json.event("unblocked").put("name", name)));
    }

    private void verify(String args) throws InterruptedException {
        String[] nameAndRest = args.strip().split("\\s+", 2);
        String name = nameAndRest[0];
        if (name.isEmpty() || nameAndRest.length == 2 && !nameAndRest[1].equals("confirm")) {
            throw new UsageException("takes a name, then optionally 'confirm'");
        }
        if (nameAndRest.length == 2) {
            request(node.verify(name), peer -> new Report("verified " + peer + ": its key is the one whose safety "
                    + "number you compared", Json.event("verified").put("name", peer.name())
                    .put("fingerprint", peer.fingerprint())));
            return;
        }
        request(node.safetyNumber(name), number -> new Report("safety number with " + number.peer() + ": "
                + number.digits() + "\n  compare it with " + Text.safe(number.peer().name()) + " in person or on a "
                + "call; it shows the same digits on both sides when each has the other's real key; if it matches: "
                + "/verify " + Text.safe(name) + " confirm", Json.event("safety_number").put("name",
                        number.peer().name()).put("fingerprint", number.peer().fingerprint())
                .put("safety_number", number.digits())));
    }

    private void history(String args) throws InterruptedException {
        String[] words = args.isEmpty() ? new String[0] : args.split("\\s+");
        if (words.length == 0 || words.length > 2) {
            throw new UsageException(words.length == 0 ? "say whose history" : "takes a name and a number");
        }
        String name = words[0];
        int count = words.length == 2 ? (int) number(words[1], 1, PeerNode.MAX_PAGE, "N") : DEFAULT_PAGE;
        request(node.history(name, count), entries -> messagesReport("history with " + name,
                Json.event("history").put("with", name), entries, false));
    }

    private void search(String args) throws InterruptedException {
        if (args.isBlank()) {
            throw new UsageException("say what to search for");
        }
        request(node.search(args, DEFAULT_PAGE), entries -> messagesReport("messages with \"" + Text.safe(args)
                + "\"", Json.event("search").put("text", args), entries, true));
    }

    private void queue(String args) throws InterruptedException {
        noArguments(args);
        request(node.queued(), entries -> messagesReport("waiting for their receivers", Json.event("queue"),
                entries, true));
    }

    private void cancel(String args) throws InterruptedException {
        String id = oneWord(args, "the id of a waiting message");
        request(node.cancel(id), entry -> new Report("#" + entry.id() + " to " + EventReports.name(entry.peer())
                + " cancelled: it will not be sent", Json.event("cancelled").put("id", entry.id().hex())
                .put("to", entry.peer().name()).put("fingerprint", entry.peer().fingerprint())));
    }

    /**
     * Messages as lines: time, direction, id, (the peer), text and state; in JSON, each with all of it.
     *
     * @param withPeer whether each line names the peer (a search, the queue: several conversations)
     */
    static Report messagesReport(String title, Json json, List<HistoryEntry> entries, boolean withPeer) {
        StringBuilder text = new StringBuilder(title + ": " + entries.size()
                + (entries.size() == 1 ? " message" : " messages"));
        List<Json> all = new ArrayList<>();
        for (HistoryEntry entry : entries) {
            String at = entry.at().truncatedTo(ChronoUnit.SECONDS).toString();
            String state = entry.state().name().toLowerCase(Locale.ROOT);
            text.append("\n  ").append(at).append(entry.outgoing() ? " -> " : " <- ").append('#').append(entry.id())
                    .append(' ').append(withPeer ? EventReports.name(entry.peer()) + ": " : "")
                    .append(entry.broadcast() ? "[all] " : "").append(Text.safe(entry.text()));
            if (entry.outgoing()) {
                text.append(" (").append(state).append(entry.reason() == null ? "" : ": " + Text.safe(entry.reason()))
                        .append(')');
            }
            Json one = new Json().put("at", entry.at().toString()).put("direction", entry.outgoing() ? "out" : "in")
                    .put("id", entry.id().hex()).put("peer", entry.peer().name())
                    .put("fingerprint", entry.peer().fingerprint()).put("text", entry.text())
                    .put("broadcast", entry.broadcast()).put("state", state);
            all.add(entry.reason() == null ? one : one.put("reason", entry.reason()));
        }
        return new Report(text.toString(), json.putObjects("messages", all));
    }

    private void sleep(String args) throws InterruptedException {
        long millis = number(oneWord(args, "a number of milliseconds"), 0, MAX_SLEEP_MILLIS, "MILLIS");
        Thread.sleep(millis);
        printer.print(new Report("slept " + millis + " ms", Json.event("slept").put("millis", millis)));
    }

    private void await(String args) throws InterruptedException {
        String[] words = args.isEmpty() ? new String[0] : args.split("\\s+");
        if (words.length == 0 || words.length > 3) {
            throw new UsageException(words.length == 0 ? "say which event" : "too many words");
        }
        String kind = words[0].toLowerCase(Locale.ROOT).replace('-', '_');
        if (!WAIT_KINDS.contains(kind)) {
            throw new UsageException("no event '" + words[0] + "'; events are " + String.join(", ",
                    EventReports.KINDS) + ", or online NAME");
        }
        String subject = null;
        long seconds = DEFAULT_WAIT_SECONDS;
        if (words.length == 3) {
            subject = words[1];
            seconds = number(words[2], 0, MAX_WAIT_SECONDS, "SECONDS");
        } else if (words.length == 2) {
            // One more word: seconds when it is a number (a name of digits needs the seconds too)
            if (words[1].chars().allMatch(Character::isDigit)) {
                seconds = number(words[1], 0, MAX_WAIT_SECONDS, "SECONDS");
            } else {
                subject = words[1];
            }
        }
        if (kind.equals(ONLINE)) {
            if (subject == null) {
                throw new UsageException("say who: /wait online NAME");
            }
            awaitOnline(subject, seconds);
            return;
        }
        String what = kind + (subject == null ? "" : " " + subject);
        if (feed.seen().await(kind, subject, TimeUnit.SECONDS.toMillis(seconds))) {
            printer.print(new Report("seen " + Text.safe(what), Json.event("waited").put("kind", kind)
                    .put("name", subject)));
        } else {
            printer.error("waited " + seconds + " s; no " + what + " event has been seen");
        }
    }

    /**
     * Asks the tracker for {@code name} every {@link #ONLINE_POLL_MILLIS} until it is registered: how a script
     * waits for a peer that starts at the same time. The successful lookup introduces the two, as /lookup does.
     */
    private void awaitOnline(String name, long seconds) throws InterruptedException {
        if (!node.config().hasTracker()) {
            printer.error("no tracker is configured: nobody is online");
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String problem = "the tracker did not answer in time";
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left <= 0) {
                break;
            }
            CompletableFuture<PeerLocation> lookup = node.lookup(name);
            try {
                PeerLocation info = lookup.get(Math.min(REQUEST_TIMEOUT.toMillis(), left), TimeUnit.MILLISECONDS);
                feed.learn(info.name());
                Report found = lookupReport(info);
                printer.print(new Report("seen online " + found.text(), Json.event("waited").put("kind", ONLINE)
                        .put("name", name).put("fingerprint", PeerRef.fingerprint(info.identityKey()))
                        .put("observed", HostPort.format(info.observed()))));
                return;
            } catch (ExecutionException e) {
                problem = problem(e);
            } catch (TimeoutException e) {
                lookup.cancel(false); // the wait is over; a late answer is of no use
                break;
            }
            left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (left > 0) {
                Thread.sleep(Math.min(ONLINE_POLL_MILLIS, left));
            }
        }
        printer.error("waited " + seconds + " s; " + name + " is not online: " + problem);
    }

    private void help() {
        StringBuilder text = new StringBuilder("commands:");
        List<Json> json = new ArrayList<>();
        List<Usage> usages = specs.values().stream().flatMap(spec -> spec.usages().stream()).toList();
        int width = usages.stream().mapToInt(usage -> usage.usage().length()).max().orElse(0);
        for (Usage usage : usages) {
            text.append("\n  ").append(pad(usage.usage(), width)).append("  ").append(usage.description());
            json.add(new Json().put("usage", usage.usage()).put("description", usage.description()));
        }
        text.append("\nevents for /wait: ").append(String.join(", ", EventReports.KINDS));
        printer.print(new Report(text.toString(), Json.event("help").putObjects("commands", json)));
    }

    // ---- arguments ----

    private static int firstSpace(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i))) {
                return i;
            }
        }
        return text.length();
    }

    /** The first word and everything after it; the rest may be empty only when {@code restRequired} is false. */
    private static String[] nameAndRest(String args, boolean restRequired) {
        if (args.isEmpty()) {
            throw new UsageException("missing NAME");
        }
        int space = firstSpace(args);
        String rest = args.substring(space).strip();
        if (restRequired && rest.isEmpty()) {
            throw new UsageException("nothing to send");
        }
        return new String[] {args.substring(0, space), rest};
    }

    private static String oneWord(String args, String what) {
        if (args.isEmpty()) {
            throw new UsageException("missing " + what);
        }
        if (firstSpace(args) != args.length()) {
            throw new UsageException("expected only " + what);
        }
        return args;
    }

    private static void noArguments(String args) {
        if (!args.isEmpty()) {
            throw new UsageException("takes no arguments");
        }
    }

    private static long number(String word, long min, long max, String what) {
        long value;
        try {
            value = Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw new UsageException(what + " '" + word + "' is not a whole number");
        }
        if (value < min || value > max) {
            throw new UsageException(what + " must be " + min + " to " + max);
        }
        return value;
    }

    // ---- waiting for the peer ----

    /**
     * Waits for {@code future} and prints its result, or the reason it failed. The report is printed by whichever
     * thread completes the future: on the peer's event loop, before any event that follows (a message is
     * reported sent before it is reported delivered).
     */
    private <T> void request(CompletableFuture<T> future, Function<T, Report> onSuccess)
            throws InterruptedException {
        AtomicBoolean reported = new AtomicBoolean();
        CompletableFuture<Void> printed = future.handle((value, failure) -> {
            if (reported.compareAndSet(false, true)) {
                printer.print(failure == null ? onSuccess.apply(value) : Report.error(problem(failure)));
            }
            return null;
        });
        try {
            printed.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (reported.compareAndSet(false, true)) {
                printer.error("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
            }
        } catch (ExecutionException e) {
            printer.error(problem(e));
        }
    }

    /** The value of {@code future}, or null after printing why there is none. */
    private <T> T await(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            printer.error("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            printer.error(problem(e));
        }
        return null;
    }

    /** The message of the innermost cause: the library's failures carry text meant for the user. */
    static String problem(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() != null ? cause.getMessage() : cause.toString();
    }

    // ---- formatting ----

    private static String ago(Instant then, Instant now) {
        long seconds = Math.max(0, Duration.between(then, now).toSeconds());
        return seconds < 120 ? seconds + " s ago" : seconds < 7200 ? seconds / 60 + " min ago"
                : seconds / 3600 + " h ago";
    }

    private static String table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String[] row : rows) {
            if (out.length() > 0) {
                out.append('\n');
            }
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == 0 ? "" : "  ").append(pad(row[i], widths[i]));
            }
            out.append(line.toString().stripTrailing());
        }
        return out.toString();
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }

    /** Where the peer listens, as the first line of output says. */
    static Report started(PeerNode node) {
        InetSocketAddress address = node.localAddress();
        String fingerprint = PeerRef.fingerprint(node.identityKey());
        return new Report("peer " + node.name() + " listening on udp " + HostPort.format(address) + ", fingerprint "
                + fingerprint, Json.event("started").put("name", node.name()).put("fingerprint", fingerprint)
                .put("address", HostPort.format(address)));
    }

    static Report stopped() {
        return new Report("* stopped", Json.event("stopped"));
    }
}
