package dev.p2pchat.demo;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code demo}: a tracker and scripted peers on this machine, their conversation printed and checked. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        version = "p2pchat demo 0.1.0",
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Runs a tracker and one peer per script (NAME.txt in the scripts directory) as local processes on",
            "127.0.0.1, prints what each prints after its name, and checks that every message the scripts",
            "send arrives exactly once. The same scripts drive the peers of docker-compose.yml.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every expected message arrived once, every script ran without an error, every program stopped "
                    + "cleanly",
            "1:something went wrong; the last lines say what",
            "2:invalid option or script"
        })
public final class DemoCommand implements Callable<Integer> {
    static final long MAX_TIMEOUT_SECONDS = 3600;

    @Spec
    CommandSpec spec;

    @Option(names = "--tracker-jar", paramLabel = "FILE", defaultValue = "tracker/target/p2pchat-tracker.jar",
            description = "The tracker's executable jar. Default: ${DEFAULT-VALUE}.")
    Path trackerJar;

    @Option(names = "--peer-jar", paramLabel = "FILE", defaultValue = "peer/target/p2pchat-peer.jar",
            description = "The peer's executable jar. Default: ${DEFAULT-VALUE}.")
    Path peerJar;

    @Option(names = "--scripts", paramLabel = "DIR", defaultValue = "demo/scripts",
            description = "Directory of peer scripts, NAME.txt each. Default: ${DEFAULT-VALUE}.")
    Path scripts;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds the scripts may take before the demo gives up. Default: ${DEFAULT-VALUE}.")
    long timeoutSeconds;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
        System.exit(commandLine(out, err).execute(args));
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new DemoCommand());
        // The launcher passes where everything is; options the user adds after that win.
        commandLine.setOverwrittenOptionsAllowed(true);
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine;
    }

    @Override
    public Integer call() throws IOException, InterruptedException {
        CommandLine commandLine = spec.commandLine();
        requireFile(trackerJar, "--tracker-jar");
        requireFile(peerJar, "--peer-jar");
        if (timeoutSeconds < 1 || timeoutSeconds > MAX_TIMEOUT_SECONDS) {
            throw new ParameterException(commandLine, "--timeout must be 1 to " + MAX_TIMEOUT_SECONDS);
        }
        Scenario scenario;
        try {
            scenario = Scenario.load(scripts);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(commandLine, "--scripts " + scripts + ": " + e.getMessage(), e);
        }
        Output output = new Output(commandLine.getOut(), scenario.scripts().keySet());
        LocalDemo.Programs programs = new LocalDemo.Programs(Path.of(System.getProperty("java.home"), "bin", "java"),
                trackerJar, peerJar);
        List<String> problems = new LocalDemo(programs, scenario, output, Duration.ofSeconds(timeoutSeconds)).run();
        if (problems.isEmpty()) {
            output.say("OK: all " + scenario.expectations().size() + " expected messages arrived, once each; every "
                    + "script ran without an error; every program stopped cleanly");
            return 0;
        }
        output.say("FAILED: " + problems.size() + (problems.size() == 1 ? " problem" : " problems"));
        problems.forEach(problem -> output.say("  " + problem));
        return 1;
    }

    private void requireFile(Path file, String option) {
        if (!Files.isRegularFile(file)) {
            throw new ParameterException(spec.commandLine(), option + " " + file + " is not a file (./p2pchat build "
                    + "makes it)");
        }
    }
}
