package dev.p2pchat.peer.api;

import dev.p2pchat.protocol.Octets;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Where the tracker says a registered peer is: the answer to {@link PeerNode#lookup}.
 *
 * @param observed the address the tracker sees the peer's datagrams come from (its NAT mapping)
 * @param privateAddresses the addresses the peer announced for itself, on its own network
 */
public record PeerLocation(String name, Octets identityKey, InetSocketAddress observed,
        List<InetSocketAddress> privateAddresses) {
    public PeerLocation {
        privateAddresses = List.copyOf(privateAddresses);
    }

    public String fingerprint() {
        return PeerRef.fingerprint(identityKey);
    }
}
