package dev.p2pchat.bench;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The benchmark jar's entry point: every benchmark with its default options, or one of them by name with its own
 * options. Each writes only its own section of the markdown file.
 */
@Command(name = "p2pchat-bench", mixinStandardHelpOptions = true,
        subcommands = {PeerBenchmark.class, TrackerBenchmark.class, StoreBenchmark.class},
        description = {"Without a command, runs every benchmark with its default options (the peer's, the "
                + "tracker's, then the stores'); with one, runs only that one.",
            "Options of a benchmark: <command> --help."})
public final class Benchmarks implements Callable<Integer> {
    /** In the order a full run takes them: the peer's first, so its first start sees a JVM without peer classes. */
    private static final List<String> ALL = List.of("peer", "tracker", "store");

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Benchmarks()).execute(args));
    }

    @Override
    public Integer call() {
        for (String name : ALL) {
            int exitCode = spec.subcommands().get(name).execute();
            if (exitCode != 0) {
                return exitCode;
            }
        }
        return 0;
    }
}
