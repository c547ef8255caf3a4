package dev.p2pchat.protocol;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * The addresses a peer may announce as its own in REGISTER (see {@code ADDRESS_INVALID} in PROTOCOL.md): only those
 * that are private by definition. Anything else would let a peer have the tracker's introductions point other peers
 * at a third party, or at their own loopback services. Peers use the same rule to choose what to announce.
 */
public final class PrivateAddresses {
    private PrivateAddresses() {}

    /** LAN (10/8, 172.16/12, 192.168/16), carrier-grade NAT (100.64/10), link-local, and IPv6 unique local. */
    public static boolean isPrivate(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return address.isSiteLocalAddress()
                    || address.isLinkLocalAddress()
                    || ((bytes[0] & 0xFF) == 100 && (bytes[1] & 0xC0) == 64); // 100.64.0.0/10
        }
        return address.isLinkLocalAddress() || (bytes[0] & 0xFE) == 0xFC; // fe80::/10, fc00::/7
    }
}
