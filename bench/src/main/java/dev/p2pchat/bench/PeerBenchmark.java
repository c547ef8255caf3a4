package dev.p2pchat.bench;

import dev.p2pchat.peer.link.LinkTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures two peers over loopback in one run: a plain Java UDP ping-pong as the baseline, the round trip of a
 * message answered by the other peer, acknowledged messages per second, and the time from a peer's start to its
 * first delivered message. Prints the figures as markdown and writes them into {@code docs/benchmarks.md}.
 */
@Command(name = "peer", mixinStandardHelpOptions = true,
        description = "Measures two peers over loopback and writes the figures to a markdown file.")
public final class PeerBenchmark implements Callable<Integer> {
    /** Message sizes of the throughput runs: a short chat line, and a long one that still fits one datagram. */
    static final int SMALL = 64;
    static final int LARGE = 1024;
    /** The peer refuses more than 1024 queued messages per conversation; stay clear of that. */
    private static final int MAX_OUTSTANDING = 1000;

    /** A timer period short enough that the first handshake goes out at once, to show what the default costs. */
    static final Duration FAST_TICK = Duration.ofMillis(1);

    @Option(names = "--warmup", defaultValue = "2",
            description = "seconds of warm-up per throughput run (default ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--measure", defaultValue = "5",
            description = "seconds measured per throughput run (default ${DEFAULT-VALUE})")
    int measureSeconds;

    @Option(names = "--outstanding", defaultValue = "512",
            description = "messages the sender keeps queued in a throughput run, 1 to " + MAX_OUTSTANDING
                    + " (default ${DEFAULT-VALUE})")
    int outstanding;

    @Option(names = "--round-trips", defaultValue = "20000",
            description = "message round trips measured, after as many again for warm-up (default ${DEFAULT-VALUE})")
    int roundTrips;

    @Option(names = "--pings", defaultValue = "50000",
            description = "round trips measured per ping-pong baseline (plain UDP, Netty), after as many again "
                    + "for warm-up (default ${DEFAULT-VALUE})")
    int pings;

    @Option(names = "--starts", defaultValue = "5",
            description = "fresh peers started per start-to-delivery series (default ${DEFAULT-VALUE})")
    int starts;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md",
            description = "markdown file whose peer section is replaced (default ${DEFAULT-VALUE})")
    Path output;

    @Spec
    CommandSpec spec;

    private PrintWriter err;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PeerBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        err = spec.commandLine().getErr();
        Path directory = Files.createTempDirectory("p2pchat-peer-bench-");
        PeerReport.Figures figures;
        try {
            figures = measure(directory);
        } finally {
            deleteTree(directory);
        }
        String markdown = PeerReport.render(figures);
        spec.commandLine().getOut().print(markdown);
        spec.commandLine().getOut().flush();
        Report.write(output, markdown, PeerReport.START, PeerReport.END);
        progress("written to " + output.toAbsolutePath());
        return 0;
    }

    private void validate() {
        if (warmupSeconds < 0 || measureSeconds < 1 || outstanding < 1 || outstanding > MAX_OUTSTANDING
                || roundTrips < 1 || pings < 1 || starts < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "measure, round trips, pings and starts "
                    + "must be positive, warm-up not negative, outstanding 1 to " + MAX_OUTSTANDING);
        }
    }

    private PeerReport.Figures measure(Path directory) throws IOException, InterruptedException {
        CpuMeter.Snapshot start = CpuMeter.snapshot();
        progress("starting two peers; the sender's start is the first start-to-delivery trial");
        try (PeerPair pair = PeerPair.start(directory)) {
            InetSocketAddress receiver = pair.receiver().localAddress();
            progress("start to first delivery, " + starts + " fresh peers, default timers");
            List<PeerStartup.Timings> defaults = startups(directory, "fresh", null, receiver);
            progress("start to first delivery, " + starts + " fresh peers, " + FAST_TICK.toMillis() + " ms tick");
            List<PeerStartup.Timings> fast = startups(directory, "fast", FAST_TICK, receiver);

            progress("UDP ping-pong baseline, " + pings + " round trips");
            UdpPingPong.Result baseline = UdpPingPong.measure(SMALL, pings, pings);
            progress("Netty ping-pong with the peers' transport and codec, " + pings + " round trips");
            UdpPingPong.Result transport = NettyPingPong.measure(SMALL, pings, pings);
            progress("ENet ping-pong (the outside anchor), " + pings + " round trips");
            EnetPingPong.Result enet = EnetPingPong.measure(Path.of("bench/enet/enet_pingpong.c"), pings, pings,
                    SMALL);
            progress(enet.measured() ? String.format("  p50 %.1f us", enet.p50Micros()) : "  " + enet.missing());
            progress("handshakes per second on one thread, IK and XX");
            double ik = HandshakeRate.measure(true, Duration.ofSeconds(Math.max(1, measureSeconds / 2)));
            double xx = HandshakeRate.measure(false, Duration.ofSeconds(Math.max(1, measureSeconds / 2)));
            progress(String.format("  IK %,.0f/s, XX %,.0f/s", ik, xx));
            progress("message round trips from the calling thread, " + roundTrips);
            PeerPair.RoundTrips fromCaller = pair.roundTripsFromCaller(SMALL, roundTrips, roundTrips);
            progress("message round trips from the sender's event loop, " + roundTrips);
            PeerPair.RoundTrips onLoop = pair.roundTripsOnLoop(SMALL, roundTrips, roundTrips);

            Duration warmup = Duration.ofSeconds(warmupSeconds);
            Duration measure = Duration.ofSeconds(measureSeconds);
            List<PeerPair.Throughput> throughput = new ArrayList<>();
            List<UdpEchoRate.Result> echo = new ArrayList<>();
            for (int size : new int[] {SMALL, LARGE}) {
                progress("UDP echo baseline, " + size + "-byte datagrams, " + LinkTable.WINDOW + " outstanding");
                echo.add(UdpEchoRate.measure(size, LinkTable.WINDOW, warmup, measure));
                progress("throughput, " + size + "-byte messages, " + outstanding + " outstanding");
                PeerPair.Throughput run = pair.throughput(size, outstanding, warmup, measure);
                progress(String.format("  %,.0f/s; sent %d, acknowledged %d, received %d, out of sequence %d, "
                        + "failed %d, refused %d", run.perSecond(), run.sent(), run.acknowledged(), run.received(),
                        run.outOfSequence(), run.failed(), run.refused()));
                throughput.add(run);
            }
            double others = CpuMeter.others(start, CpuMeter.snapshot());
            return new PeerReport.Figures(baseline, transport, enet, ik, xx, fromCaller, onLoop, throughput, echo,
                    pair.senderStartup(), defaults, fast, others);
        }
    }

    /** {@link #starts} fresh peers, one after the other, each closed after its first message is delivered. */
    private List<PeerStartup.Timings> startups(Path directory, String prefix, Duration tick,
            InetSocketAddress receiver) throws IOException, InterruptedException {
        List<PeerStartup.Timings> timings = new ArrayList<>();
        for (int i = 0; i < starts; i++) {
            String name = "bench-" + prefix + "-" + i;
            PeerStartup.Trial trial = PeerStartup.run(PeerPair.config(name, directory.resolve(name), tick), receiver,
                    PeerPair.RECEIVER, PeerPair.text(SMALL), event -> {});
            trial.node().close();
            timings.add(trial.timings());
        }
        return timings;
    }

    private void progress(String line) {
        err.println(line);
        err.flush();
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
