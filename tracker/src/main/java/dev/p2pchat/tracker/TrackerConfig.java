package dev.p2pchat.tracker;

import dev.p2pchat.tracker.mailbox.MailLimits;
import dev.p2pchat.tracker.relay.RelayLimits;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Every tracker setting, with its default, unit and bounds, validated once on construction. The command line
 * and tests build one of these; nothing else reads settings.
 *
 * @param bindAddress interface to listen on (default 0.0.0.0: every interface)
 * @param port UDP port (default 7070; 0 picks a free one, for tests)
 * @param lease how long a registration lives without a keepalive (default 90 s, 10 s to 1 h): NAT mappings
 *     commonly expire after 30 s, so peers keep alive well within that and the lease outlasts a few lost ones
 * @param keepalive base interval the tracker asks peers to keep alive at (default 25 s, jittered by 10%, at
 *     most a third of the lease so that two lost keepalives do not end it)
 * @param maxPeers most live registrations (default 1,000,000); beyond it REGISTER gets REGISTRY_FULL
 * @param maxPerHost most live registrations from one host, an IPv4 address or an IPv6 /64 (default 64, 1 to
 *     {@link #MAX_PEERS_LIMIT}); beyond it REGISTER gets NETWORK_FULL. Room for the peers behind one NAT, not for one
 *     party's sybils
 * @param maxPerNetwork most live registrations from one network, an IPv4 /24 or an IPv6 /48 (default 256, at least
 *     {@code maxPerHost}); beyond it REGISTER gets NETWORK_FULL: one party with many addresses in a prefix fills its
 *     prefix's share, not the registry
 * @param ratePerSecond requests per second per source (default 100; 0 disables the limit): cookie requests
 *     per host (IPv4 address or IPv6 /64), other requests per proven endpoint (IP and port)
 * @param rateBurst requests one idle source may send at once (default 200)
 * @param signaturesPerSecond signature verifications (REGISTER, RENAME, UNREGISTER) per second per source host,
 *     bursting to twice that (default 20; 0 disables the limit): each costs ~0.1-0.2 ms of the one event loop
 * @param registrationsPerSecond REGISTERs verified per second per source network (IPv4 /24, IPv6 /48), bursting to
 *     twice that (default 50; 0 disables the limit), on top of the per-host signature budget: without it, each
 *     address of a prefix brings a budget of its own
 * @param queriesPerSecond directory queries (LOOKUP, LIST) answered per second per source network, bursting to twice
 *     that (default 100; 0 disables the limit), on top of the per-endpoint request budget: without it, registered
 *     sybils on many addresses of one prefix could map the whole directory in minutes
 * @param maxRateSources most sources each rate limiter tracks (default 100,000)
 * @param cookieEpoch how often the cookie key rotates (default 60 s); a cookie lives one to two epochs
 * @param statsInterval how often the counters are logged (default 60 s; zero disables)
 * @param metricsBind interface for the HTTP metrics endpoint (default 127.0.0.1: only this host)
 * @param metricsPort TCP port of the HTTP metrics endpoint (default -1: off; 0 picks one)
 * @param relay what the relay allows each peer that has no direct path (default {@link RelayLimits#DEFAULT})
 * @param mail what the mailbox holds for peers that are not registered (default {@link MailLimits#DEFAULT})
 * @param dataDirectory where the tracker's key and its mail are kept, so that peers that pinned it, the cookies it
 *     minted and the mail it took stay valid across restarts (default null: a new key and the mail in memory each
 *     start, for tests and embedded trackers)
 */
public record TrackerConfig(
        String bindAddress,
        int port,
        Duration lease,
        Duration keepalive,
        int maxPeers,
        int maxPerHost,
        int maxPerNetwork,
        int ratePerSecond,
        int rateBurst,
        int signaturesPerSecond,
        int registrationsPerSecond,
        int queriesPerSecond,
        int maxRateSources,
        Duration cookieEpoch,
        Duration statsInterval,
        String metricsBind,
        int metricsPort,
        RelayLimits relay,
        MailLimits mail,
        Path dataDirectory) {
    public static final int DEFAULT_PORT = 7070;
    public static final Duration MIN_LEASE = Duration.ofSeconds(10);
    public static final Duration MAX_LEASE = Duration.ofHours(1);
    public static final int MAX_PEERS_LIMIT = 10_000_000;

    public TrackerConfig {
        require(bindAddress != null && !bindAddress.isBlank(), "bind address is required");
        require(port >= 0 && port <= 65535, "port must be 0 to 65535, not " + port);
        require(lease.compareTo(MIN_LEASE) >= 0 && lease.compareTo(MAX_LEASE) <= 0,
                "lease must be 10 s to 1 h, not " + lease.toSeconds() + " s");
        require(!keepalive.isNegative() && keepalive.toMillis() >= 1000, "keepalive must be at least 1 s");
        require(keepalive.multipliedBy(3).compareTo(lease) <= 0,
                "keepalive (" + keepalive.toSeconds() + " s) must be at most a third of the lease ("
                        + lease.toSeconds() + " s)");
        require(maxPeers >= 1 && maxPeers <= MAX_PEERS_LIMIT, "max peers must be 1 to " + MAX_PEERS_LIMIT);
        require(maxPerHost >= 1 && maxPerHost <= MAX_PEERS_LIMIT,
                "max per host must be 1 to " + MAX_PEERS_LIMIT + ", not " + maxPerHost);
        require(maxPerNetwork >= maxPerHost && maxPerNetwork <= MAX_PEERS_LIMIT,
                "max per network must be from max per host (" + maxPerHost + ") to " + MAX_PEERS_LIMIT + ", not "
                        + maxPerNetwork);
        require(ratePerSecond >= 0, "rate must be 0 (off) or positive");
        require(rateBurst >= 1, "burst must be positive");
        require(signaturesPerSecond >= 0, "signature rate must be 0 (off) or positive");
        require(registrationsPerSecond >= 0, "register rate must be 0 (off) or positive");
        require(queriesPerSecond >= 0, "query rate must be 0 (off) or positive");
        require(maxRateSources >= 1, "rate limiter sources must be positive");
        require(cookieEpoch.toMillis() >= 1000, "cookie epoch must be at least 1 s");
        require(!statsInterval.isNegative(), "stats interval must not be negative");
        require(metricsBind != null && !metricsBind.isBlank(), "metrics bind address is required");
        require(metricsPort >= -1 && metricsPort <= 65535, "metrics port must be -1 (off) or 0 to 65535");
        require(relay != null, "relay limits are required");
        require(mail != null, "mail limits are required");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts from the defaults; {@link #build()} validates. */
    public static final class Builder {
        private String bindAddress = "0.0.0.0";
        private int port = DEFAULT_PORT;
        private Duration lease = Duration.ofSeconds(90);
        private Duration keepalive = Duration.ofSeconds(25);
        private int maxPeers = 1_000_000;
        private int maxPerHost = 64;
        private int maxPerNetwork = 256;
        private int ratePerSecond = 100;
        private int rateBurst = 200;
        private int signaturesPerSecond = 20;
        private int registrationsPerSecond = 50;
        private int queriesPerSecond = 100;
        private int maxRateSources = 100_000;
        private Duration cookieEpoch = Duration.ofSeconds(60);
        private Duration statsInterval = Duration.ofSeconds(60);
        private String metricsBind = "127.0.0.1";
        private int metricsPort = -1;
        private Path dataDirectory;
        private RelayLimits relay = RelayLimits.DEFAULT;
        private MailLimits mail = MailLimits.DEFAULT;

        private Builder() {}

        public Builder bindAddress(String bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Loopback with a free port, for tests and tools. */
        public Builder loopback() {
            return bindAddress("127.0.0.1").port(0);
        }

        public Builder lease(Duration lease) {
            this.lease = lease;
            return this;
        }

        public Builder keepalive(Duration keepalive) {
            this.keepalive = keepalive;
            return this;
        }

        public Builder maxPeers(int maxPeers) {
            this.maxPeers = maxPeers;
            return this;
        }

        /** Most live registrations per host (IPv4 address, IPv6 /64) and per network (IPv4 /24, IPv6 /48). */
        public Builder registrationBudgets(int maxPerHost, int maxPerNetwork) {
            this.maxPerHost = maxPerHost;
            this.maxPerNetwork = maxPerNetwork;
            return this;
        }

        public Builder rateLimit(int ratePerSecond, int rateBurst) {
            this.ratePerSecond = ratePerSecond;
            this.rateBurst = rateBurst;
            return this;
        }

        public Builder signatureRateLimit(int signaturesPerSecond) {
            this.signaturesPerSecond = signaturesPerSecond;
            return this;
        }

        /** REGISTERs verified per second per network (IPv4 /24, IPv6 /48); 0 turns the limit off. */
        public Builder registrationRateLimit(int registrationsPerSecond) {
            this.registrationsPerSecond = registrationsPerSecond;
            return this;
        }

        /** Directory queries (LOOKUP, LIST) per second per network; 0 turns the limit off. */
        public Builder queryRateLimit(int queriesPerSecond) {
            this.queriesPerSecond = queriesPerSecond;
            return this;
        }

        public Builder maxRateSources(int maxRateSources) {
            this.maxRateSources = maxRateSources;
            return this;
        }

        public Builder cookieEpoch(Duration cookieEpoch) {
            this.cookieEpoch = cookieEpoch;
            return this;
        }

        public Builder statsInterval(Duration statsInterval) {
            this.statsInterval = statsInterval;
            return this;
        }

        public Builder metricsBind(String metricsBind) {
            this.metricsBind = metricsBind;
            return this;
        }

        public Builder metricsPort(int metricsPort) {
            this.metricsPort = metricsPort;
            return this;
        }

        public Builder relay(RelayLimits relay) {
            this.relay = relay;
            return this;
        }

        public Builder mail(MailLimits mail) {
            this.mail = mail;
            return this;
        }

        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = dataDirectory;
            return this;
        }

        public TrackerConfig build() {
            return new TrackerConfig(bindAddress, port, lease, keepalive, maxPeers, maxPerHost, maxPerNetwork,
                    ratePerSecond, rateBurst, signaturesPerSecond, registrationsPerSecond, queriesPerSecond,
                    maxRateSources, cookieEpoch, statsInterval, metricsBind, metricsPort, relay, mail,
                    dataDirectory);
        }
    }

    private static void require(boolean condition, String problem) {
        if (!condition) {
            throw new IllegalArgumentException(problem);
        }
    }
}
