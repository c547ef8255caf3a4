package dev.p2pchat.tracker.registry;

import dev.p2pchat.tracker.ratelimit.SourceKeys;
import java.net.InetAddress;

/**
 * How many live registrations each source host (IPv4 address, IPv6 /64) and each source network (IPv4 /24, IPv6 /48)
 * holds, and whether one more fits: without it, 150 addresses of one /24 filled a 3,000-peer registry in a second,
 * taking every short name. Keyed by {@link SourceKeys}; one count per host and per network with a live registration,
 * so at most two per registration, in tables whose slots senders cannot predict ({@link SourceCounts}). Owned by the
 * {@link Registry}.
 */
final class NetworkBudget {
    private final int perHost;
    private final int perNetwork;
    private final SourceCounts hosts;
    private final SourceCounts networks;

    NetworkBudget(int perHost, int perNetwork, long seed) {
        if (perHost < 1 || perNetwork < 1) {
            throw new IllegalArgumentException("registration budgets must be positive, not " + perHost + " and "
                    + perNetwork);
        }
        this.perHost = perHost;
        this.perNetwork = perNetwork;
        this.hosts = new SourceCounts(seed);
        this.networks = new SourceCounts(~seed);
    }

    /**
     * Whether a registration fits at {@code to}: a new one ({@code from} null), or one moving there from {@code from},
     * which it no longer counts against once it moved.
     */
    boolean admits(InetAddress to, InetAddress from) {
        long host = SourceKeys.host(to);
        long network = SourceKeys.network(to);
        int atHost = hosts.get(host) - (from != null && SourceKeys.host(from) == host ? 1 : 0);
        int inNetwork = networks.get(network) - (from != null && SourceKeys.network(from) == network ? 1 : 0);
        return atHost < perHost && inNetwork < perNetwork;
    }

    void add(InetAddress address) {
        hosts.increment(SourceKeys.host(address));
        networks.increment(SourceKeys.network(address));
    }

    void remove(InetAddress address) {
        hosts.decrement(SourceKeys.host(address));
        networks.decrement(SourceKeys.network(address));
    }
}
