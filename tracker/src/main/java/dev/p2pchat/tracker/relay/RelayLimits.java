package dev.p2pchat.tracker.relay;

import dev.p2pchat.protocol.Wire;
import java.time.Duration;

/**
 * What the relay allows each peer.
 *
 * @param datagramsPerSecond datagrams a peer may have relayed per second, bursting to twice that; 0 turns the relay
 *     off
 * @param bytesPerSecond bytes of RELAY datagrams (whole, headers included) a peer may send per second, bursting to
 *     twice that
 * @param lifetime how long a peer's lookup of another, or RELAY to it, counts as its consent to relay with it (1 s to
 *     1 day); two peers relay while both consent, and each lookup or RELAY renews its sender's
 * @param maxPeers most peers holding relay permissions at once, and most one-sided wishes kept in all; a full table
 *     makes room by forgetting an idle peer, or refuses the newcomer
 * @param maxPermissionsPerPeer most peers one peer may relay to at once, and most wishes it keeps; a new permission
 *     replaces the least recently active idle one, or is refused
 */
public record RelayLimits(int datagramsPerSecond, int bytesPerSecond, Duration lifetime, int maxPeers,
        int maxPermissionsPerPeer) {
    public static final Duration MAX_LIFETIME = Duration.ofDays(1);
    public static final RelayLimits DEFAULT = new RelayLimits(100, 64 * 1024, Duration.ofMinutes(10), 100_000, 32);

    public RelayLimits {
        if (datagramsPerSecond < 0) {
            throw new IllegalArgumentException("relay rate must be 0 (off) or positive, not " + datagramsPerSecond);
        }
        if (lifetime.compareTo(Duration.ofSeconds(1)) < 0 || lifetime.compareTo(MAX_LIFETIME) > 0) {
            throw new IllegalArgumentException("relay lifetime must be 1 s to 1 day, not " + lifetime.toSeconds()
                    + " s");
        }
        if (maxPeers < 1 || maxPermissionsPerPeer < 1) {
            throw new IllegalArgumentException("relay table sizes must be positive, not " + maxPeers + " and "
                    + maxPermissionsPerPeer);
        }
        if (bytesPerSecond != 0 && bytesPerSecond < Wire.MAX_DATAGRAM_SIZE) {
            // Below that, a full-size datagram could never pass.
            throw new IllegalArgumentException("relay bytes per second must be 0 (off) or at least "
                    + Wire.MAX_DATAGRAM_SIZE + ", not " + bytesPerSecond);
        }
    }

    public boolean enabled() {
        return datagramsPerSecond > 0 && bytesPerSecond > 0;
    }
}
