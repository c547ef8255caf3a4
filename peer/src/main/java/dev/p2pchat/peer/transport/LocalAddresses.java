package dev.p2pchat.peer.transport;

import dev.p2pchat.protocol.PrivateAddresses;
import dev.p2pchat.protocol.Wire;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The addresses on this host's own networks at which the peer's socket answers, announced to the tracker so that
 * two peers behind the same NAT reach each other over their LAN (a NAT rarely forwards a datagram from its LAN back
 * into it). Only private addresses qualify; the tracker refuses any other.
 */
public final class LocalAddresses {
    private LocalAddresses() {}

    /** What to announce for a socket bound to {@code bound}: read from the host's interfaces when it is a wildcard. */
    public static List<InetSocketAddress> of(InetSocketAddress bound) {
        if (!bound.getAddress().isAnyLocalAddress()) {
            return choose(List.of(bound.getAddress()), bound);
        }
        List<InetAddress> found = new ArrayList<>();
        try {
            for (NetworkInterface nic : NetworkInterface.networkInterfaces().toList()) {
                if (nic.isUp() && !nic.isLoopback()) {
                    nic.inetAddresses().forEach(found::add);
                }
            }
        } catch (SocketException e) {
            return List.of(); // no LAN addresses to offer; the NAT mapping still works
        }
        return choose(found, bound);
    }

    /**
     * The private ones among {@code addresses}, IPv4 first, with the socket's port, at most as many as REGISTER
     * carries. IPv6 link-local addresses are left out: without the interface they belong to, which the wire does not
     * carry, the other side could not use them. An IPv4 wildcard socket cannot answer on IPv6 addresses.
     */
    static List<InetSocketAddress> choose(List<InetAddress> addresses, InetSocketAddress bound) {
        boolean ipv4Only = bound.getAddress() instanceof Inet4Address;
        return addresses.stream()
                .filter(PrivateAddresses::isPrivate)
                .filter(address -> !(address instanceof Inet6Address v6 && (v6.isLinkLocalAddress() || ipv4Only)))
                .map(LocalAddresses::stripScope)
                .distinct()
                .sorted(Comparator.comparing(address -> address instanceof Inet6Address))
                .limit(Wire.MAX_PRIVATE_ADDRESSES)
                .map(address -> new InetSocketAddress(address, bound.getPort()))
                .toList();
    }

    private static InetAddress stripScope(InetAddress address) {
        try {
            return address instanceof Inet6Address ? InetAddress.getByAddress(address.getAddress()) : address;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an address", e);
        }
    }
}
