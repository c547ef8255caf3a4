package dev.p2pchat.peer.cli;

import dev.p2pchat.peer.cli.PeerOptions.Settings;
import dev.p2pchat.peer.api.PeerListener;
import dev.p2pchat.peer.api.PeerNode;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code peer}: chats. On a terminal it is an interactive shell; otherwise (or with {@code --json}) it reads the
 * same commands line by line from standard input and prints events and results line by line, for scripts.
 */
@Command(
        name = "peer",
        mixinStandardHelpOptions = true,
        version = "p2pchat peer 0.1.0",
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Runs a p2pchat peer: registers its name with a tracker and chats with other peers directly",
            "over UDP. On a terminal it opens a shell (type /help). Otherwise it reads the same commands,",
            "one per line, from standard input, and prints one event or result per line on standard",
            "output (--json: one JSON object per line); the end of input quits. --script runs a file of",
            "commands first.",
            "Every option has an environment-variable default (shown in brackets).",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:quit (/quit, end of input, Ctrl-D, SIGTERM or SIGINT), or help/version shown",
            "1:could not start (for example the port is in use, or the data directory is unusable)",
            "2:invalid option"
        })
public final class PeerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    PeerOptions options;

    @Option(names = "--script", paramLabel = "FILE", defaultValue = "${env:P2PCHAT_SCRIPT:-}",
            description = "Run the commands in FILE first, one per line, as if typed; then read standard input "
                    + "(or open the shell) as usual. A /quit in FILE quits [P2PCHAT_SCRIPT]. Default: none.")
    String script;

    /** Opens the terminal the shell runs on. */
    @FunctionalInterface
    interface TerminalFactory {
        Terminal open() throws IOException;
    }

    private final InputStream in;
    private final TerminalFactory terminal;
    private final boolean ownsProcess;

    /**
     * @param in where line mode reads commands
     * @param terminal the terminal for the shell; null when standard input and output are not a terminal (then the
     *     peer runs in line mode, as it does with --json)
     * @param ownsProcess whether SIGTERM and SIGINT should stop this peer (false when a test runs it in its JVM)
     */
    PeerCommand(InputStream in, TerminalFactory terminal, boolean ownsProcess) {
        this.in = in;
        this.terminal = terminal;
        this.ownsProcess = ownsProcess;
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        TerminalFactory terminal = onTerminal() ? () -> TerminalBuilder.builder().system(true).build() : null;
        System.exit(commandLine(System.in, out, err, terminal, true).execute(args));
    }

    /** Whether standard input and output are both a terminal. */
    static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // From JDK 22 a console exists even when the streams are redirected; Console.isTerminal() tells.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (NoSuchMethodException e) {
            return true; // before JDK 22, a console exists exactly when both streams are a terminal
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }

    /** The command line for {@code peer} and {@code peer send}, reading and writing the given streams. */
    static CommandLine commandLine(InputStream in, PrintWriter out, PrintWriter err, TerminalFactory terminal,
            boolean ownsProcess) {
        CommandLine commandLine = new CommandLine(new PeerCommand(in, terminal, ownsProcess))
                .addSubcommand("send", new SendCommand(ownsProcess));
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine;
    }

    @Override
    public Integer call() throws IOException {
        Settings settings = options.settings(spec.commandLine());
        Path scriptFile = scriptFile();
        PeerOptions.applyLogLevel(settings.logLevel());
        if (terminal != null && !settings.json()) {
            return new PeerShell(settings, scriptFile, spec.commandLine().getErr(), ownsProcess)
                    .run(terminal.open());
        }
        return runLines(settings, scriptFile);
    }

    /** The script to run first, or null; one that cannot be read is an invalid option (exit code 2). */
    Path scriptFile() {
        if (script == null || script.isBlank()) {
            return null;
        }
        Path file;
        try {
            file = Path.of(script);
        } catch (InvalidPathException e) {
            throw new ParameterException(spec.commandLine(), "--script '" + script + "': " + e.getMessage(), e);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ParameterException(spec.commandLine(), "--script '" + script + "' is not a readable file");
        }
        return file;
    }

    private int runLines(Settings settings, Path scriptFile) throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Printer printer = new Printer(settings.json(), new Printer.Sink() {
            @Override
            public void write(String text) {
                out.write(text);
                out.write('\n');
            }

            @Override
            public void flush() {
                out.flush();
            }
        });
        EventFeed feed = new EventFeed(printer);
        PeerNode node = start(settings, feed, spec.commandLine().getErr());
        if (node == null) {
            printer.close();
            return 1;
        }
        RunningPeer peer = new RunningPeer(node, printer, List.of());
        Thread hook = ownsProcess ? peer.installShutdownHook(0) : null;
        try (LineInput input = new LineInput(in)) {
            feed.open(Commands.started(node));
            Commands commands = new Commands(node, printer, feed);
            if (scriptFile == null || commands.runScript(scriptFile)) {
                commands.runAll(input);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            peer.close();
            RunningPeer.removeShutdownHook(hook);
        }
        return 0;
    }

    /** Starts the peer, or says on standard error why it cannot and returns null (exit code 1). */
    static PeerNode start(Settings settings, PeerListener listener, PrintWriter err) {
        try {
            return PeerNode.start(settings.config(), listener);
        } catch (Exception e) { // Netty's bind throws a BindException it does not declare
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            err.println("peer: cannot start on " + settings.config().bindAddress() + ":"
                    + settings.config().bindPort() + " with data directory " + settings.config().dataDirectory()
                    + ": " + Commands.problem(e));
            err.flush();
            return null;
        }
    }
}
