package dev.p2pchat.peer.api;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * One known peer in the peer list.
 *
 * @param peer its name and fingerprint
 * @param address where it was last reached (null if never)
 * @param path how messages reach it: {@code direct} or {@code relay} while connected, else {@code none}
 * @param rttMillis the smoothed round trip while connected, else -1
 * @param lastSeen when anything was last heard from it (null if never)
 * @param friend where this side stands with it
 * @param verified whether its safety number was compared and confirmed ({@code /verify})
 * @param connected whether a conversation is open right now
 */
public record PeerView(
        PeerRef peer,
        InetSocketAddress address,
        String path,
        long rttMillis,
        Instant lastSeen,
        FriendState friend,
        boolean verified,
        boolean connected) {}
