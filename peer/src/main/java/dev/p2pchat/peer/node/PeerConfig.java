package dev.p2pchat.peer.node;

import dev.p2pchat.protocol.Names;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * What a peer needs to start, validated once on construction.
 *
 * @param name the name to register under (see {@link Names#RULE})
 * @param trackerHost the tracker's host name or address, resolved at start and again when it stops answering
 * @param trackerPort the tracker's UDP port
 * @param bindAddress the local address of the one UDP socket (default 0.0.0.0)
 * @param bindPort the local port (default 0: any free one)
 * @param dataDirectory where the identity key (and later friends and history) live
 * @param tick how often timers (retransmission, keepalive) are looked at (default 100 ms)
 * @param trackerRetry first retransmission delay towards the tracker, doubling per try (default 1 s)
 */
public record PeerConfig(
        String name,
        String trackerHost,
        int trackerPort,
        String bindAddress,
        int bindPort,
        Path dataDirectory,
        Duration tick,
        Duration trackerRetry) {
    public PeerConfig {
        String problem = Names.problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("name '" + name + "': " + problem);
        }
        Objects.requireNonNull(trackerHost, "trackerHost");
        if (trackerPort < 1 || trackerPort > 65535) {
            throw new IllegalArgumentException("tracker port must be 1 to 65535, not " + trackerPort);
        }
        if (bindPort < 0 || bindPort > 65535) {
            throw new IllegalArgumentException("bind port must be 0 to 65535, not " + bindPort);
        }
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(dataDirectory, "dataDirectory");
        if (tick.toMillis() < 1 || trackerRetry.toMillis() < 1) {
            throw new IllegalArgumentException("tick and retry must be at least 1 ms");
        }
    }

    /** A peer on every interface and a free port, with default timers. */
    public static PeerConfig of(String name, String trackerHost, int trackerPort, Path dataDirectory) {
        return new PeerConfig(name, trackerHost, trackerPort, "0.0.0.0", 0, dataDirectory, Duration.ofMillis(100),
                Duration.ofSeconds(1));
    }

    public PeerConfig withBind(String address, int port) {
        return new PeerConfig(name, trackerHost, trackerPort, address, port, dataDirectory, tick, trackerRetry);
    }

    public PeerConfig withTimers(Duration tick, Duration trackerRetry) {
        return new PeerConfig(name, trackerHost, trackerPort, bindAddress, bindPort, dataDirectory, tick,
                trackerRetry);
    }
}
