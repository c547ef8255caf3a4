package dev.p2pchat.tracker.cli;

import ch.qos.logback.classic.Level;
import dev.p2pchat.tracker.TrackerConfig;
import dev.p2pchat.tracker.mailbox.MailLimits;
import dev.p2pchat.tracker.relay.RelayLimits;
import dev.p2pchat.tracker.server.TrackerServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tracker}: runs a p2pchat tracker until SIGTERM or SIGINT. */
@Command(
        name = "tracker",
        mixinStandardHelpOptions = true,
        version = "p2pchat tracker 0.1.0",
        sortOptions = false,
        usageHelpWidth = 100,
        description = {
            "Runs a p2pchat tracker: peers register their name and key with it over UDP, look each other up,",
            "and are introduced so that they can talk directly. Every option has an environment-variable",
            "default (shown in brackets), so containers can be configured without arguments.",
            ""
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:stopped cleanly (SIGTERM or SIGINT), or help/version shown",
            "1:could not start (for example the port is in use)",
            "2:invalid option"
        })
public final class TrackerCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(TrackerCommand.class);

    /** Log levels an operator may pick. */
    enum LogLevel { ERROR, WARN, INFO, DEBUG, TRACE }

    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDRESS", defaultValue = "${env:P2PCHAT_TRACKER_BIND:-0.0.0.0}",
            description = "Address to listen on; 0.0.0.0 for every interface [P2PCHAT_TRACKER_BIND]. "
                    + "Default: ${DEFAULT-VALUE}.")
    String bind;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "${env:P2PCHAT_TRACKER_PORT:-7070}",
            description = "UDP port; 0 picks a free one, printed at start [P2PCHAT_TRACKER_PORT]. "
                    + "Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--lease", paramLabel = "SECONDS", defaultValue = "${env:P2PCHAT_TRACKER_LEASE:-90}",
            description = "How long a registration lives without a keepalive, 10 to 3600 "
                    + "[P2PCHAT_TRACKER_LEASE]. Default: ${DEFAULT-VALUE}.")
    long leaseSeconds;

    @Option(names = "--keepalive", paramLabel = "SECONDS",
            defaultValue = "${env:P2PCHAT_TRACKER_KEEPALIVE:-25}",
            description = "Keepalive interval peers are told to use (jittered by 10%%), at most a third of the "
                    + "lease; keep it under 30 s so NAT mappings stay open [P2PCHAT_TRACKER_KEEPALIVE]. "
                    + "Default: ${DEFAULT-VALUE}.")
    long keepaliveSeconds;

    @Option(names = "--max-peers", paramLabel = "COUNT",
            defaultValue = "${env:P2PCHAT_TRACKER_MAX_PEERS:-1000000}",
            description = "Most live registrations; further REGISTERs get REGISTRY_FULL "
                    + "[P2PCHAT_TRACKER_MAX_PEERS]. Default: ${DEFAULT-VALUE}.")
    int maxPeers;

    @Option(names = "--max-per-host", paramLabel = "COUNT",
            defaultValue = "${env:P2PCHAT_TRACKER_MAX_PER_HOST:-64}",
            description = "Most live registrations from one IP (IPv6: one /64): room for the peers behind one NAT; "
                    + "further REGISTERs from there get NETWORK_FULL [P2PCHAT_TRACKER_MAX_PER_HOST]. "
                    + "Default: ${DEFAULT-VALUE}.")
    int maxPerHost;

    @Option(names = "--max-per-network", paramLabel = "COUNT",
            defaultValue = "${env:P2PCHAT_TRACKER_MAX_PER_NETWORK:-256}",
            description = "Most live registrations from one IPv4 /24 or IPv6 /48, at least --max-per-host: whoever "
                    + "holds many addresses of one prefix fills its share, not the registry; further REGISTERs "
                    + "from there get NETWORK_FULL [P2PCHAT_TRACKER_MAX_PER_NETWORK]. Default: ${DEFAULT-VALUE}.")
    int maxPerNetwork;

    @Option(names = "--rate", paramLabel = "PER_SECOND", defaultValue = "${env:P2PCHAT_TRACKER_RATE:-100}",
            description = "Requests per second per source: cookie requests per IP (IPv6: per /64), others per "
                    + "IP and port; 0 turns the limit off [P2PCHAT_TRACKER_RATE]. Default: ${DEFAULT-VALUE}.")
    int rate;

    @Option(names = "--burst", paramLabel = "COUNT", defaultValue = "${env:P2PCHAT_TRACKER_BURST:-200}",
            description = "Requests one idle source may send at once [P2PCHAT_TRACKER_BURST]. "
                    + "Default: ${DEFAULT-VALUE}.")
    int burst;

    @Option(names = "--signature-rate", paramLabel = "PER_SECOND",
            defaultValue = "${env:P2PCHAT_TRACKER_SIGNATURE_RATE:-20}",
            description = "Signed requests (register, rename, unregister) verified per second per IP, bursting "
                    + "to twice that; 0 turns the limit off [P2PCHAT_TRACKER_SIGNATURE_RATE]. "
                    + "Default: ${DEFAULT-VALUE}.")
    int signatureRate;

    @Option(names = "--register-rate", paramLabel = "PER_SECOND",
            defaultValue = "${env:P2PCHAT_TRACKER_REGISTER_RATE:-50}",
            description = "REGISTERs verified per second per IPv4 /24 or IPv6 /48, bursting to twice that, on top "
                    + "of --signature-rate per IP; 0 turns the limit off [P2PCHAT_TRACKER_REGISTER_RATE]. "
                    + "Default: ${DEFAULT-VALUE}.")
    int registerRate;

    @Option(names = "--query-rate", paramLabel = "PER_SECOND",
            defaultValue = "${env:P2PCHAT_TRACKER_QUERY_RATE:-100}",
            description = "Lookups and listings answered per second per IPv4 /24 or IPv6 /48, bursting to twice "
                    + "that, on top of --rate per endpoint, so that sybils cannot map the directory quickly; 0 turns "
                    + "the limit off [P2PCHAT_TRACKER_QUERY_RATE]. Default: ${DEFAULT-VALUE}.")
    int queryRate;

    @Option(names = "--stats-interval", paramLabel = "SECONDS",
            defaultValue = "${env:P2PCHAT_TRACKER_STATS_INTERVAL:-60}",
            description = "How often to log a line of counters; 0 for never "
                    + "[P2PCHAT_TRACKER_STATS_INTERVAL]. Default: ${DEFAULT-VALUE}.")
    long statsSeconds;

    @Option(names = "--relay-rate", paramLabel = "PER_SECOND",
            defaultValue = "${env:P2PCHAT_TRACKER_RELAY_RATE:-100}",
            description = "Datagrams per second each peer without a direct path may have relayed, bursting to "
                    + "twice that; 0 turns the relay off [P2PCHAT_TRACKER_RELAY_RATE]. Default: ${DEFAULT-VALUE}.")
    int relayRate;

    @Option(names = "--relay-bytes", paramLabel = "PER_SECOND",
            defaultValue = "${env:P2PCHAT_TRACKER_RELAY_BYTES:-65536}",
            description = "Bytes per second of RELAY datagrams (headers included) each peer may send, bursting to "
                    + "twice that; 0 or at least 1200 [P2PCHAT_TRACKER_RELAY_BYTES]. Default: ${DEFAULT-VALUE}.")
    int relayBytes;

    @Option(names = "--relay-lifetime", paramLabel = "SECONDS",
            defaultValue = "${env:P2PCHAT_TRACKER_RELAY_LIFETIME:-600}",
            description = "How long a peer's lookup of another, or relayed datagram to it, counts as wanting the "
                    + "relay with it, 1 to 86400; two peers relay only while both want it "
                    + "[P2PCHAT_TRACKER_RELAY_LIFETIME]. Default: ${DEFAULT-VALUE}.")
    long relayLifetimeSeconds;

    @Option(names = "--mailbox-pieces", paramLabel = "COUNT",
            defaultValue = "${env:P2PCHAT_TRACKER_MAILBOX_PIECES:-1000}",
            description = "Pieces of mail (each at most one datagram) kept for one peer that is not registered; one "
                    + "sender may fill a quarter of them, and have as many waiting for all its recipients "
                    + "[P2PCHAT_TRACKER_MAILBOX_PIECES]. Default: ${DEFAULT-VALUE}.")
    int mailboxPieces;

    @Option(names = "--mailbox-bytes", paramLabel = "BYTES",
            defaultValue = "${env:P2PCHAT_TRACKER_MAILBOX_BYTES:-4194304}",
            description = "Bytes of mail kept for one peer, and for one sender's mail to all its recipients; a "
                    + "sender may fill a quarter of one peer's [P2PCHAT_TRACKER_MAILBOX_BYTES]. "
                    + "Default: ${DEFAULT-VALUE}.")
    long mailboxBytes;

    @Option(names = "--mail-store-pieces", paramLabel = "COUNT",
            defaultValue = "${env:P2PCHAT_TRACKER_MAIL_STORE_PIECES:-1000000}",
            description = "Pieces of mail the tracker keeps in all (at least --mailbox-pieces) "
                    + "[P2PCHAT_TRACKER_MAIL_STORE_PIECES]. Default: ${DEFAULT-VALUE}.")
    int mailStorePieces;

    @Option(names = "--mail-store-bytes", paramLabel = "BYTES",
            defaultValue = "${env:P2PCHAT_TRACKER_MAIL_STORE_BYTES:-1073741824}",
            description = "Bytes of mail the tracker keeps in all [P2PCHAT_TRACKER_MAIL_STORE_BYTES]. "
                    + "Default: ${DEFAULT-VALUE}.")
    long mailStoreBytes;

    @Option(names = "--mail-ttl", paramLabel = "HOURS", defaultValue = "${env:P2PCHAT_TRACKER_MAIL_TTL:-168}",
            description = "Hours a piece of mail waits to be fetched before it is deleted, 1 to 720 "
                    + "[P2PCHAT_TRACKER_MAIL_TTL]. Default: ${DEFAULT-VALUE} (7 days).")
    long mailTtlHours;

    @Option(names = "--metrics-port", paramLabel = "PORT",
            defaultValue = "${env:P2PCHAT_TRACKER_METRICS_PORT:--1}",
            description = "TCP port for GET /metrics (Prometheus text); -1 for none "
                    + "[P2PCHAT_TRACKER_METRICS_PORT]. Default: ${DEFAULT-VALUE}.")
    int metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS",
            defaultValue = "${env:P2PCHAT_TRACKER_METRICS_BIND:-127.0.0.1}",
            description = "Address the metrics endpoint listens on [P2PCHAT_TRACKER_METRICS_BIND]. "
                    + "Default: ${DEFAULT-VALUE}.")
    String metricsBind;

    @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:P2PCHAT_TRACKER_DATA_DIR:-}",
            description = "Where the tracker's key and the mail it keeps (mail.db) are, so that peers which pinned "
                    + "it still trust the tracker after a restart and no mail is lost [P2PCHAT_TRACKER_DATA_DIR]. "
                    + "Default: ~/.p2pchat/tracker.")
    String dataDir;

    @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "${env:P2PCHAT_LOG_LEVEL:-INFO}",
            description = "One of ${COMPLETION-CANDIDATES} [P2PCHAT_LOG_LEVEL]. Default: ${DEFAULT-VALUE}.")
    LogLevel logLevel;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new TrackerCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public Integer call() throws InterruptedException {
        TrackerConfig config = config();
        setLogLevel(logLevel);
        PrintWriter out = spec.commandLine().getOut();
        TrackerServer server;
        try {
            server = new TrackerServer(config);
        } catch (IOException e) {
            spec.commandLine().getErr().println("tracker: cannot load its key: " + e.getMessage());
            return 1;
        }
        InetSocketAddress address;
        try {
            address = server.start();
        } catch (Exception e) { // Netty's bind throws a BindException it does not declare
            spec.commandLine().getErr().println("tracker: cannot listen on " + config.bindAddress() + ":"
                    + config.port() + ": " + e.getMessage());
            return 1;
        }
        out.println("tracker listening on udp " + address.getAddress().getHostAddress() + ":" + address.getPort());
        out.println("tracker key " + server.publicKey().toHex() + " (peers: --tracker-key " + server.publicKey().toHex()
                + ")");
        if (server.metricsAddress() != null) {
            InetSocketAddress metrics = server.metricsAddress();
            out.println("metrics on http://" + metrics.getAddress().getHostAddress() + ":" + metrics.getPort()
                    + "/metrics");
        }
        out.flush();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping: final stats {}", server.metrics().statsLine());
            server.close();
            stopped.countDown();
            // A JVM stopped by a signal exits 143 even after a clean shutdown; supervisors and operators read
            // that as a failure, so a clean stop reports 0.
            Runtime.getRuntime().halt(0);
        }, "tracker-shutdown"));
        stopped.await();
        return 0;
    }

    /** Every option, checked together; a bad one is a {@link ParameterException} (exit code 2). */
    TrackerConfig config() {
        try {
            return TrackerConfig.builder()
                    .bindAddress(bind)
                    .port(port)
                    .lease(Duration.ofSeconds(leaseSeconds))
                    .keepalive(Duration.ofSeconds(keepaliveSeconds))
                    .maxPeers(maxPeers)
                    .registrationBudgets(maxPerHost, maxPerNetwork)
                    .rateLimit(rate, burst)
                    .signatureRateLimit(signatureRate)
                    .registrationRateLimit(registerRate)
                    .queryRateLimit(queryRate)
                    .statsInterval(Duration.ofSeconds(statsSeconds))
                    .metricsBind(metricsBind)
                    .metricsPort(metricsPort)
                    .relay(new RelayLimits(relayRate, relayBytes, Duration.ofSeconds(relayLifetimeSeconds),
                            RelayLimits.DEFAULT.maxPeers(), RelayLimits.DEFAULT.maxPermissionsPerPeer()))
                    .mail(new MailLimits(mailboxPieces, mailboxBytes, mailboxPieces, mailboxBytes, mailStorePieces,
                            mailStoreBytes, Duration.ofHours(mailTtlHours)))
                    .dataDirectory(dataDir == null || dataDir.isBlank()
                            ? Path.of(System.getProperty("user.home"), ".p2pchat", "tracker") : Path.of(dataDir))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private static void setLogLevel(LogLevel level) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME))
                .setLevel(Level.toLevel(level.name()));
    }
}
