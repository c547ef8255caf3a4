package dev.p2pchat.peer.store;

import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.protocol.Octets;
import java.net.InetSocketAddress;

/**
 * A contact as the database keeps it.
 *
 * @param address where the peer was last reached; null if never
 * @param agreementKey the peer's X25519 key, which mail for it is sealed to; null if never learned
 */
public record ContactRow(Octets key, String name, FriendState state, InetSocketAddress address, boolean verified,
        Octets agreementKey) {}
