package dev.p2pchat.tracker.ratelimit;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Rate-limit and budget keys for source addresses.
 *
 * <p>{@link #host} groups what one party controls: an IPv4 address, or an IPv6 /64 (one subscriber gets at least a
 * /64, so a per-address limit would give each a few quintillion budgets). {@link #network} groups what one party
 * can easily hold many hosts of: an IPv4 /24 (the smallest block commonly routed, and what a hosting provider's
 * customer or one machine's loopback addresses sit in) or an IPv6 /48 (a site's allocation). {@link #endpoint} is
 * one socket, IP and port, hashed with a per-tracker seed: it separates peers behind one NAT, and senders cannot aim
 * many endpoints at one key without knowing the seed.
 *
 * <p>IPv4 keys carry a tag in their top 32 bits (all ones), so the two families never share a key: an IPv6 key
 * with those bits would be in ff00::/8, multicast, which is never a source address.
 */
public final class SourceKeys {
    private static final long IPV4_TAG = 0xFFFF_FFFF_0000_0000L;

    private final long seed;

    public SourceKeys(long seed) {
        this.seed = seed;
    }

    /** The IPv4 address, or the IPv6 /64 prefix (tagged so the two families never share a key). */
    public static long host(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return IPV4_TAG | (readInt(bytes, 0) & 0xFFFF_FFFFL);
        }
        return ((long) readInt(bytes, 0) << 32) | (readInt(bytes, 4) & 0xFFFF_FFFFL);
    }

    /** The IPv4 /24 or the IPv6 /48 prefix (tagged as {@link #host} is). */
    public static long network(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (address instanceof Inet4Address) {
            return IPV4_TAG | (readInt(bytes, 0) & 0xFFFF_FF00L);
        }
        return ((long) readInt(bytes, 0) << 32) | (readInt(bytes, 4) & 0xFFFF_0000L);
    }

    public long endpoint(InetSocketAddress address) {
        long h = seed ^ address.getPort();
        byte[] bytes = address.getAddress().getAddress();
        for (int i = 0; i < bytes.length; i += 4) {
            h = mix(h ^ readInt(bytes, i));
        }
        return h;
    }

    private static long mix(long h) {
        // MurmurHash3's 64-bit finaliser.
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        h *= 0xC4CEB9FE1A85EC53L;
        h ^= h >>> 33;
        return h;
    }

    private static int readInt(byte[] bytes, int offset) {
        return (bytes[offset] & 0xFF) << 24 | (bytes[offset + 1] & 0xFF) << 16 | (bytes[offset + 2] & 0xFF) << 8
                | (bytes[offset + 3] & 0xFF);
    }
}
