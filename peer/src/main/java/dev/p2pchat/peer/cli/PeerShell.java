package dev.p2pchat.peer.cli;

import dev.p2pchat.protocol.KeyFile;
import dev.p2pchat.peer.cli.PeerOptions.Settings;
import dev.p2pchat.peer.api.PeerNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jline.reader.Candidate;
import org.jline.reader.Completer;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.DefaultParser;
import org.jline.terminal.Terminal;

/**
 * The interactive shell: the same {@link Commands} as line mode, read with JLine (editing, history kept in the
 * data directory, completion of commands and peer names). Events are printed above the prompt as they happen.
 * Ctrl-C clears the line (or stops a {@code /wait} or {@code /sleep}); Ctrl-D on an empty line quits.
 */
final class PeerShell {
    /** File in the data directory that keeps the lines typed, across runs. */
    static final String HISTORY_FILE = "shell-history";
    private static final List<String> FRIEND_ACTIONS = List.of("request", "accept", "decline", "remove");

    private final Settings settings;
    private final Path script;
    private final PrintWriter err;
    private final boolean ownsProcess;

    /** @param script commands to run before the first prompt; null for none */
    PeerShell(Settings settings, Path script, PrintWriter err, boolean ownsProcess) {
        this.settings = settings;
        this.script = script;
        this.err = err;
        this.ownsProcess = ownsProcess;
    }

    /**
     * The history file, made readable by its owner only before JLine first writes to it: the lines typed are the
     * user's messages.
     */
    private Path privateHistoryFile() {
        Path file = settings.config().dataDirectory().resolve(HISTORY_FILE);
        try {
            KeyFile.createPrivateDirectories(file.getParent());
            KeyFile.createPrivateFile(file);
        } catch (IOException e) {
            err.println("warning: cannot make the shell history private (" + e.getMessage() + ")");
        }
        return file;
    }

    /** Runs the shell on {@code terminal} (closed at the end) until the user quits. */
    int run(Terminal terminal) {
        // The completer needs the commands, which need the running peer, which reports through the reader.
        AtomicReference<Completer> completion = new AtomicReference<>((reader, line, candidates) -> { });
        LineReader reader = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("p2pchat")
                .completer((lineReader, line, candidates) -> completion.get().complete(lineReader, line, candidates))
                // Chat text is not shell syntax: an apostrophe or a backslash is just a character...
                .parser(new DefaultParser().quoteChars(new char[0]).escapeChars(new char[0]))
                .variable(LineReader.HISTORY_FILE, privateHistoryFile())
                // ...and "!" does not recall history.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                .build();
        Printer printer = new Printer(false, new Printer.Sink() {
            @Override
            public void write(String text) {
                reader.printAbove(text);
            }

            @Override
            public void flush() {
                // printAbove redraws the prompt itself
            }
        });
        EventFeed feed = new EventFeed(printer);
        PeerNode node = PeerCommand.start(settings, feed, err);
        if (node == null) {
            printer.close();
            closeQuietly(terminal);
            return 1;
        }
        RunningPeer peer = new RunningPeer(node, printer, List.of(terminal));
        Thread hook = ownsProcess ? peer.installShutdownHook(0) : null;
        Commands commands = new Commands(node, printer, feed);
        completion.set(completer(commands, feed));
        feed.open(Commands.started(node));
        printer.print(new Report("type /help for the commands, Ctrl-D to quit", Json.event("hint")));
        Thread shellThread = Thread.currentThread();
        // Outside readLine (which turns Ctrl-C into UserInterruptException), Ctrl-C stops the running command.
        terminal.handle(Terminal.Signal.INT, signal -> shellThread.interrupt());
        try {
            if (script != null && !runScript(commands, printer)) {
                return 0;
            }
            while (true) {
                String line;
                try {
                    line = reader.readLine(node.name() + "> ");
                } catch (UserInterruptException e) {
                    continue; // Ctrl-C: the line is dropped, the shell stays
                } catch (EndOfFileException e) {
                    break; // Ctrl-D
                }
                try {
                    if (!commands.run(line)) {
                        break;
                    }
                } catch (InterruptedException e) {
                    printer.error("interrupted");
                }
            }
        } finally {
            Thread.interrupted(); // a Ctrl-C that came after the command ended must not cut the goodbyes short
            peer.close();
            RunningPeer.removeShutdownHook(hook);
        }
        return 0;
    }

    /** Runs the script; Ctrl-C stops it and goes on to the prompt. Returns false when the script quit. */
    private boolean runScript(Commands commands, Printer printer) {
        try {
            return commands.runScript(script);
        } catch (InterruptedException e) {
            printer.error("script " + script + " interrupted");
            return true;
        }
    }

    /** Completes command names first, then what each command takes: peer names, friend actions, event names. */
    static Completer completer(Commands commands, EventFeed feed) {
        Map<String, Commands.Spec> specs = commands.specs().stream()
                .collect(Collectors.toMap(spec -> "/" + spec.name(), Function.identity()));
        return (LineReader reader, ParsedLine line, List<Candidate> candidates) -> {
            int word = line.wordIndex();
            if (word == 0) {
                specs.keySet().stream().sorted().forEach(name -> candidates.add(new Candidate(name)));
                return;
            }
            Commands.Spec spec = specs.get(line.words().get(0));
            if (spec == null) {
                return;
            }
            List<String> offered = switch (spec.argument()) {
                case PEER -> word == 1 ? List.copyOf(feed.names()) : List.of();
                case FRIEND_ACTION -> word == 1 ? FRIEND_ACTIONS : word == 2 ? List.copyOf(feed.names()) : List.of();
                case EVENT -> word == 1 ? Commands.WAIT_KINDS : word == 2 ? List.copyOf(feed.names()) : List.of();
                case NONE -> List.of();
            };
            offered.forEach(value -> candidates.add(new Candidate(value)));
        };
    }

    private static void closeQuietly(Terminal terminal) {
        try {
            terminal.close();
        } catch (IOException e) {
            // exiting anyway
        }
    }
}
