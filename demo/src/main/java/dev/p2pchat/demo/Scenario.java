package dev.p2pchat.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The demo's conversation: one peer per script ({@code NAME.txt} in a directory, the commands that peer runs), and
 * the messages those scripts must deliver. The expectations are read off the scripts themselves, so a script that
 * changes changes what is checked: each {@code /msg NAME TEXT} must reach the peer that goes by NAME, and each
 * {@code /broadcast TEXT} every other peer (a script broadcasts once everyone is connected).
 */
record Scenario(SortedMap<String, Path> scripts, List<Expectation> expectations) {
    /** A peer's name, as the peer command accepts it. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
    /** Text the peers print as is, so that a message line can be compared with the script exactly. */
    private static final Pattern PRINTABLE = Pattern.compile("[\\x20-\\x7e]+");
    private static final String SUFFIX = ".txt";
    /** More would be a load test, not a demo. */
    static final int MAX_PEERS = 16;
    /** Bytes per script: a conversation, not a data set. */
    static final long MAX_SCRIPT_BYTES = 64 * 1024;

    Scenario {
        scripts = new TreeMap<>(scripts);
        expectations = List.copyOf(expectations);
    }

    /** Reads every {@code *.txt} script in {@code directory}; a problem is an IllegalArgumentException saying where. */
    static Scenario load(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("no scripts directory " + directory);
        }
        SortedMap<String, Path> files = new TreeMap<>();
        try (Stream<Path> listing = Files.list(directory)) {
            listing.filter(file -> file.getFileName().toString().endsWith(SUFFIX) && Files.isRegularFile(file))
                    .forEach(file -> files.put(peerName(file), file));
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no scripts (NAME" + SUFFIX + ") in " + directory);
        }
        SortedMap<String, List<String>> lines = new TreeMap<>();
        for (Map.Entry<String, Path> file : files.entrySet()) {
            if (Files.size(file.getValue()) > MAX_SCRIPT_BYTES) {
                throw new IllegalArgumentException(file.getValue() + " is larger than " + MAX_SCRIPT_BYTES
                        + " bytes");
            }
            lines.put(file.getKey(), Files.readAllLines(file.getValue(), StandardCharsets.UTF_8));
        }
        return new Scenario(files, expectations(lines));
    }

    private static String peerName(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.length() - SUFFIX.length());
    }

    /** The messages that the scripts, each run by the peer named by its key, must deliver. */
    static List<Expectation> expectations(SortedMap<String, List<String>> scripts) {
        if (scripts.size() < 2 || scripts.size() > MAX_PEERS) {
            throw new IllegalArgumentException("a demo needs 2 to " + MAX_PEERS + " peers, not " + scripts.size());
        }
        Map<String, List<Command>> parsed = new HashMap<>();
        Map<String, String> owners = new HashMap<>();
        Map<String, Set<String>> names = new HashMap<>();
        scripts.forEach((peer, lines) -> {
            if (!NAME.matcher(peer).matches()) {
                throw new IllegalArgumentException("'" + peer + SUFFIX + "': a peer's name is 1 to 32 of a-z 0-9 . _ -,"
                        + " starting with a letter or digit");
            }
            List<Command> commands = commands(peer, lines);
            parsed.put(peer, commands);
            Set<String> own = new LinkedHashSet<>(List.of(peer));
            commands.stream().filter(command -> command.name().equals("nick")).forEach(nick -> own.add(nick.args()));
            for (String name : own) {
                String other = owners.putIfAbsent(name, peer);
                if (other != null && !other.equals(peer)) {
                    throw new IllegalArgumentException(other + " and " + peer + " both go by " + name);
                }
            }
            names.put(peer, own);
        });

        List<Expectation> expected = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String peer : scripts.keySet()) {
            for (Command command : parsed.get(peer)) {
                for (Expectation expectation : expectations(peer, command, names.get(peer), owners,
                        scripts.keySet())) {
                    if (!seen.add(expectation.receiver() + '\n' + expectation.broadcast() + '\n'
                            + expectation.text())) {
                        throw new IllegalArgumentException(command.where() + ": " + expectation.receiver()
                                + " already gets \"" + expectation.text() + "\"; make each message's text unique, "
                                + "so that each can be checked");
                    }
                    expected.add(expectation);
                }
            }
        }
        return expected;
    }

    /** What one command of {@code peer}'s script must deliver: nothing, unless it is a /msg or a /broadcast. */
    private static List<Expectation> expectations(String peer, Command command, Set<String> senderNames,
            Map<String, String> owners, Set<String> peers) {
        List<String> receivers;
        String text;
        boolean broadcast = command.name().equals("broadcast");
        if (command.name().equals("msg")) {
            String[] toAndText = command.args().split("\\s+", 2);
            String receiver = owners.get(toAndText[0]);
            if (receiver == null || receiver.equals(peer)) {
                throw new IllegalArgumentException(command.where() + ": /msg to '" + toAndText[0]
                        + "', which no other peer of the demo goes by");
            }
            receivers = List.of(receiver);
            text = toAndText.length > 1 ? toAndText[1].strip() : "";
        } else if (broadcast) {
            receivers = peers.stream().filter(other -> !other.equals(peer)).toList();
            text = command.args();
        } else {
            return List.of();
        }
        if (!PRINTABLE.matcher(text).matches()) {
            throw new IllegalArgumentException(command.where() + ": write demo messages in printable ASCII");
        }
        return receivers.stream().map(receiver -> new Expectation(receiver, peer, senderNames, text, broadcast))
                .toList();
    }

    /**
     * The command lines of a script up to a {@code /quit}, as the peer reads them: {@code /NAME ARGS}, blank lines
     * and comments skipped.
     */
    private record Command(String name, String args, String where) {}

    private static List<Command> commands(String peer, List<String> lines) {
        List<Command> commands = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("/")) {
                continue;
            }
            String[] nameAndArgs = line.substring(1).split("\\s+", 2);
            String name = nameAndArgs[0].toLowerCase(Locale.ROOT);
            if (name.equals("quit") || name.equals("exit")) {
                break; // the peer reads no further
            }
            commands.add(new Command(name, nameAndArgs.length > 1 ? nameAndArgs[1].strip() : "",
                    peer + SUFFIX + " line " + (i + 1)));
        }
        return commands;
    }
}
