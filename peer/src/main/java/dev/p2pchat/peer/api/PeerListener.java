package dev.p2pchat.peer.api;

import dev.p2pchat.peer.api.PeerEvent;

/** What a running peer tells the program that drives it. Called on the peer's event loop: return quickly. */
@FunctionalInterface
public interface PeerListener {
    void onEvent(PeerEvent event);
}
