package dev.p2pchat.peer.node;

import dev.p2pchat.protocol.ErrorCode;
import dev.p2pchat.protocol.PeerInfo;
import java.net.InetSocketAddress;

/** What a running peer tells the program that drives it. Called on the peer's event loop: return quickly. */
public interface PeerListener {
    /** Registered with the tracker (again), which sees this peer at {@code observed}. */
    default void registered(InetSocketAddress observed) {}

    /** The tracker refused the name for good (taken by another key, or invalid). */
    default void registrationRefused(ErrorCode code) {}

    /** Another peer looked this one up and wants to talk. */
    default void introduced(PeerInfo peer) {}
}
