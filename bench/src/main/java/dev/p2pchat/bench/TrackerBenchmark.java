package dev.p2pchat.bench;

import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.server.TrackerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Measures the tracker over loopback in one run: a plain Java UDP echo as the baseline (and Netty echoes, to show
 * what the transport costs), REGISTER with its signature checks and session agreement, a keepalive and lookup mix
 * (every request and reply sealed in the peer's session), and the heap a registered peer costs. Prints the figures
 * as markdown and writes them into {@code docs/benchmarks.md}.
 */
@Command(name = "tracker", mixinStandardHelpOptions = true,
        description = "Measures the tracker over loopback and writes the figures to a markdown file.")
public final class TrackerBenchmark implements Callable<Integer> {
    private static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);
    private static final Duration LIGHT_WARMUP = Duration.ofSeconds(1);
    private static final Duration LIGHT_MEASURE = Duration.ofSeconds(3);
    /** Phases that only explain the figures with targets measure less, to keep the whole run short. */
    private static final Duration SECONDARY_MEASURE = Duration.ofSeconds(5);
    /** Long enough for every registration to finish; the phase ends with its last reply. */
    private static final Duration REGISTER_LIMIT = Duration.ofSeconds(60);

    @Option(names = "--clients", defaultValue = "4", description = "client sockets (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--window", defaultValue = "8",
            description = "requests each client keeps outstanding (default ${DEFAULT-VALUE})")
    int window;

    @Option(names = "--warmup", defaultValue = "3",
            description = "seconds of warm-up per phase (default ${DEFAULT-VALUE})")
    int warmupSeconds;

    @Option(names = "--measure", defaultValue = "10",
            description = "seconds measured per timed phase (default ${DEFAULT-VALUE})")
    int measureSeconds;

    @Option(names = "--peers", defaultValue = "100000",
            description = "peers registered over UDP, each with its own Ed25519 key (default ${DEFAULT-VALUE})")
    int peers;

    @Option(names = "--heap-peers", defaultValue = "1000000",
            description = "peers registered for the heap measurement (default ${DEFAULT-VALUE})")
    int heapPeers;

    @Option(names = "--timeout-ms", defaultValue = "200",
            description = "a request without a reply after this long is lost (default ${DEFAULT-VALUE})")
    int timeoutMillis;

    @Option(names = "--output", defaultValue = "docs/benchmarks.md",
            description = "markdown file whose tracker section is replaced (default ${DEFAULT-VALUE})")
    Path output;

    @Spec
    CommandSpec spec;

    private PrintWriter err;
    private Duration warmup;
    private Duration measure;
    private Duration timeout;
    /** Whether every saturated phase ran with the generator and the server on cores of their own. */
    private boolean pinned = true;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrackerBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        validate();
        // The name shows in thread listings and, on Linux, in /proc: the load generator runs on this thread.
        Thread.currentThread().setName("load-generator");
        err = spec.commandLine().getErr();
        warmup = Duration.ofSeconds(warmupSeconds);
        measure = Duration.ofSeconds(measureSeconds);
        timeout = Duration.ofMillis(timeoutMillis);

        PhaseResult[] echo = echoPhases();
        List<PhaseResult> transports = nettyEchoPhases();

        progress("generating " + peers + " Ed25519 identities");
        long start = System.nanoTime();
        Peers simulated = Peers.generate(peers);
        double identitiesPerSecond = peers * 1e9 / (System.nanoTime() - start);
        TrackerPhases tracker = trackerPhases(simulated);

        progress("timing the tracker's steps one by one");
        List<CostBreakdown.Step> steps = CostBreakdown.measure();
        progress("heap per peer at " + heapPeers + " registrations");
        HeapPerPeer.Result heap = HeapPerPeer.measure(heapPeers);

        String markdown = Report.render(new Report.Figures(echo[0], echo[1], transports, tracker.register,
                tracker.mix, tracker.keepalives, tracker.mixLight, pinned, peers, simulated.registered().length,
                identitiesPerSecond, tracker.registersBuiltPerSecond, steps, heap));
        spec.commandLine().getOut().print(markdown);
        spec.commandLine().getOut().flush();
        Report.write(output, markdown, Report.START, Report.END);
        progress("written to " + output.toAbsolutePath());
        return 0;
    }

    private void validate() {
        List<String> problems = new ArrayList<>();
        if (clients < 1 || window < 1 || warmupSeconds < 0 || measureSeconds < 1 || timeoutMillis < 1) {
            problems.add("clients, window, measure and timeout must be positive, warm-up not negative");
        }
        if (peers < clients) {
            problems.add("every client socket needs a peer: --peers must be at least --clients");
        }
        if (heapPeers < 1) {
            problems.add("--heap-peers must be positive");
        }
        if (!problems.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", problems));
        }
    }

    /** The plain Java echo: saturated, and with one request outstanding. */
    private PhaseResult[] echoPhases() throws Exception {
        try (EchoServer server = EchoServer.start(LOOPBACK)) {
            List<DatagramChannel> sockets = LoadGenerator.connect(server.localAddress(), clients);
            try {
                progress("echo baseline, saturated");
                PhaseResult saturated = saturated(server.threadId(), sockets, "echo", new EchoWorkload(), measure);
                progress("echo baseline, one outstanding");
                PhaseResult light = light(server.threadId(), sockets, "echo, 1 outstanding", new EchoWorkload());
                return new PhaseResult[] {saturated, light};
            } finally {
                close(sockets);
            }
        }
    }

    /** The Netty echoes, saturated: what each transport costs before the tracker does any work. */
    private List<PhaseResult> nettyEchoPhases() throws Exception {
        List<PhaseResult> results = new ArrayList<>();
        for (NettyEchoServer.Transport transport : NettyEchoServer.Transport.values()) {
            if (!transport.isAvailable()) {
                progress("Netty " + transport + " is not available here; skipped");
                continue;
            }
            progress("Netty echo over " + transport + ", saturated");
            try (NettyEchoServer server = NettyEchoServer.start(transport, LOOPBACK)) {
                List<DatagramChannel> sockets = LoadGenerator.connect(server.localAddress(), clients);
                try {
                    results.add(saturated(server.threadId(), sockets, "Netty echo, " + transport.name().toLowerCase(
                            Locale.ROOT), new EchoWorkload(), SECONDARY_MEASURE));
                } finally {
                    close(sockets);
                }
            }
        }
        return results;
    }

    /** What the tracker phases measured. */
    private record TrackerPhases(PhaseResult register, PhaseResult mix, PhaseResult keepalives,
            PhaseResult mixLight, double registersBuiltPerSecond) {}

    private TrackerPhases trackerPhases(Peers simulated) throws Exception {
        TrackerConfig config = TrackerConfig.builder()
                .loopback()
                // The load comes from a handful of sockets on one host: per-source limits would measure the limiter.
                .rateLimit(0, 1)
                .signatureRateLimit(0)
                .registrationRateLimit(0)
                .queryRateLimit(0)
                .registrationBudgets(Math.max(peers, 1), Math.max(peers, 1))
                .statsInterval(Duration.ZERO)
                .maxPeers(Math.max(peers, 1))
                .build();
        try (TrackerServer tracker = new TrackerServer(config)) {
            InetSocketAddress address = tracker.start();
            OptionalLong loop = tracker.channel().eventLoop().submit(CorePinning::currentThreadId).get();
            try (TrackerClients sockets = TrackerClients.open(address, clients)) {
                sockets.fetchCookies();
                if (!tracker.publicKey().equals(sockets.trackerKey())) {
                    throw new IllegalStateException("the cookie challenges announced " + sockets.trackerKey()
                            + ", not the tracker's key " + tracker.publicKey());
                }
                progress("building " + peers + " REGISTER requests (X25519 session key and agreement, signature)");
                long start = System.nanoTime();
                RegisterWorkload registrations = new RegisterWorkload(simulated, sockets);
                double registersBuiltPerSecond = peers * 1e9 / (System.nanoTime() - start);
                progress("REGISTER");
                PhaseResult register = saturated(loop, sockets.channels(), "register", registrations, REGISTER_LIMIT);
                progress("tracker " + tracker.metrics().statsLine());

                sockets.fetchCookies();
                KeepaliveLookupWorkload requests = new KeepaliveLookupWorkload(simulated, sockets, true);
                progress("KEEPALIVE + LOOKUP, saturated");
                PhaseResult mix = saturated(loop, sockets.channels(), "keepalive + lookup", requests, measure);
                progress("KEEPALIVE alone, saturated");
                PhaseResult keepalives = saturated(loop, sockets.channels(), "keepalive alone",
                        new KeepaliveLookupWorkload(simulated, sockets, false), SECONDARY_MEASURE);
                progress("KEEPALIVE + LOOKUP, one outstanding");
                PhaseResult mixLight = light(loop, sockets.channels(), "keepalive + lookup, 1 outstanding", requests);
                progress("tracker " + tracker.metrics().statsLine());
                return new TrackerPhases(register, mix, keepalives, mixLight, registersBuiltPerSecond);
            }
        }
    }

    /** Every client keeps a full window outstanding; the generator and the server run on cores of their own. */
    private PhaseResult saturated(OptionalLong server, List<DatagramChannel> sockets, String name, Workload workload,
            Duration length) throws Exception {
        try (CorePinning pinning = CorePinning.apart(server)) {
            pinned &= pinning.active();
            return new LoadGenerator(sockets, window, timeout).run(name, workload, warmup, length);
        }
    }

    /** One request outstanding on one socket, the generator and the server on one core: unloaded round trips. */
    private PhaseResult light(OptionalLong server, List<DatagramChannel> sockets, String name, Workload workload)
            throws Exception {
        try (CorePinning pinning = CorePinning.together(server)) {
            pinned &= pinning.active();
            return new LoadGenerator(sockets.subList(0, 1), 1, timeout).run(name, workload, LIGHT_WARMUP,
                    LIGHT_MEASURE);
        }
    }

    private void progress(String line) {
        err.println(line);
        err.flush();
    }

    private static void close(List<DatagramChannel> sockets) throws IOException {
        for (DatagramChannel socket : sockets) {
            socket.close();
        }
    }
}
