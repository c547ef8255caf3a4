package dev.p2pchat.peer.api;

import dev.p2pchat.peer.link.PeerSession;
import dev.p2pchat.protocol.Names;
import dev.p2pchat.protocol.Octets;
import dev.p2pchat.protocol.Wire;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a peer needs to start, validated once on construction. The command line and tests build one of these
 * through {@link #builder}; nothing else reads settings.
 *
 * @param name the name to register under (see {@link Names#RULE})
 * @param trackerHost the tracker's host name or address, resolved at start and again when it stops answering; null
 *     for a peer without a tracker, which reaches others only by address
 * @param trackerPort the tracker's UDP port (default 7070)
 * @param trackerKey the tracker's X25519 public key, as its operator printed it; null to trust the key the first
 *     registration with this tracker proves and pin it in the data directory (trust on first use)
 * @param bindAddress the local address of the one UDP socket (default 0.0.0.0: every interface)
 * @param bindPort the local port (default 0: any free one)
 * @param dataDirectory where the identity key and the contacts live
 * @param bootstrap peers connected by address at start, with or without a tracker
 * @param friendsOnly whether messages from peers that are not friends are held as requests instead of shown
 * @param messageTtl how long a chat message keeps waiting for its receiver before it fails as expired (default 7
 *     days)
 * @param tick how often timers (retransmission, keepalive, liveness) are looked at (default 100 ms)
 * @param trackerRetry first retransmission delay towards the tracker, doubling per try (default 1 s)
 * @param sessionTimers the clocks of each conversation (initiation repeats, liveness, give-up, rekeying); tests shorten them
 */
public record PeerConfig(
        String name,
        String trackerHost,
        int trackerPort,
        Octets trackerKey,
        String bindAddress,
        int bindPort,
        Path dataDirectory,
        List<InetSocketAddress> bootstrap,
        boolean friendsOnly,
        Duration messageTtl,
        Duration tick,
        Duration trackerRetry,
        PeerSession.Timers sessionTimers) {
    public static final int DEFAULT_TRACKER_PORT = 7070;
    /** Bootstrap peers are a handful of known addresses, not a directory. */
    public static final int MAX_BOOTSTRAP = 64;
    /** A year: a message that waited that long is better failed and told. */
    public static final Duration MAX_MESSAGE_TTL = Duration.ofDays(365);

    public PeerConfig {
        if (trackerKey != null && trackerKey.length() != Wire.KEY_SIZE) {
            throw new IllegalArgumentException("a tracker key has " + Wire.KEY_SIZE + " bytes (" + 2 * Wire.KEY_SIZE
                    + " hex digits), not " + trackerKey.length());
        }
        String problem = Names.problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("name '" + name + "': " + problem);
        }
        if (trackerPort < 1 || trackerPort > 65535) {
            throw new IllegalArgumentException("tracker port must be 1 to 65535, not " + trackerPort);
        }
        if (bindPort < 0 || bindPort > 65535) {
            throw new IllegalArgumentException("bind port must be 0 to 65535, not " + bindPort);
        }
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(dataDirectory, "data directory is required");
        bootstrap = List.copyOf(bootstrap);
        if (bootstrap.size() > MAX_BOOTSTRAP) {
            throw new IllegalArgumentException("at most " + MAX_BOOTSTRAP + " bootstrap peers");
        }
        if (messageTtl.compareTo(Duration.ofMinutes(1)) < 0 || messageTtl.compareTo(MAX_MESSAGE_TTL) > 0) {
            throw new IllegalArgumentException("a message's time to live is 1 minute to " + MAX_MESSAGE_TTL.toDays()
                    + " days, not " + messageTtl.toMinutes() + " minutes");
        }
        if (tick.toMillis() < 1 || trackerRetry.toMillis() < 1) {
            throw new IllegalArgumentException("tick and retry must be at least 1 ms");
        }
        Objects.requireNonNull(sessionTimers, "sessionTimers");
    }

    public static Builder builder(String name, Path dataDirectory) {
        return new Builder(name, dataDirectory);
    }

    /** Whether a tracker is configured. */
    public boolean hasTracker() {
        return trackerHost != null;
    }

    /** Starts from the defaults (no tracker); {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private final Path dataDirectory;
        private String trackerHost;
        private int trackerPort = DEFAULT_TRACKER_PORT;
        private Octets trackerKey;
        private String bindAddress = "0.0.0.0";
        private int bindPort;
        private List<InetSocketAddress> bootstrap = List.of();
        private boolean friendsOnly;
        private Duration messageTtl = Duration.ofDays(7);
        private Duration tick = Duration.ofMillis(100);
        private Duration trackerRetry = Duration.ofSeconds(1);
        private PeerSession.Timers sessionTimers = PeerSession.Timers.DEFAULT;

        private Builder(String name, Path dataDirectory) {
            this.name = name;
            this.dataDirectory = dataDirectory;
        }

        public Builder tracker(String host, int port) {
            this.trackerHost = host;
            this.trackerPort = port;
            return this;
        }

        /** Trusts only {@code key} (null: the first one proved) for the tracker. */
        public Builder trackerKey(Octets key) {
            this.trackerKey = key;
            return this;
        }

        public Builder bind(String address, int port) {
            this.bindAddress = address;
            this.bindPort = port;
            return this;
        }

        public Builder bootstrap(List<InetSocketAddress> peers) {
            this.bootstrap = peers;
            return this;
        }

        public Builder friendsOnly(boolean friendsOnly) {
            this.friendsOnly = friendsOnly;
            return this;
        }

        public Builder messageTtl(Duration ttl) {
            this.messageTtl = ttl;
            return this;
        }

        public Builder timers(Duration tick, Duration trackerRetry) {
            this.tick = tick;
            this.trackerRetry = trackerRetry;
            return this;
        }

        public Builder sessionTimers(PeerSession.Timers timers) {
            this.sessionTimers = timers;
            return this;
        }

        public PeerConfig build() {
            return new PeerConfig(name, trackerHost, trackerPort, trackerKey, bindAddress, bindPort, dataDirectory,
                    bootstrap, friendsOnly, messageTtl, tick, trackerRetry, sessionTimers);
        }
    }
}
