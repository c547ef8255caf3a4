package dev.p2pchat.peer.transport;

import java.net.InetSocketAddress;
import java.util.Objects;

/**
 * How a conversation's datagrams travel: straight to a socket address, or through the tracker's relay.
 *
 * @param address the peer's address on a direct route; null on the relay
 */
public record Route(InetSocketAddress address) {
    /** Through the tracker, as RELAY and RELAYED. */
    public static final Route RELAY = new Route(null);

    public static Route direct(InetSocketAddress address) {
        return new Route(Objects.requireNonNull(address, "address"));
    }

    public boolean relayed() {
        return address == null;
    }

    @Override
    public String toString() {
        return relayed() ? "relay" : address.toString();
    }
}
