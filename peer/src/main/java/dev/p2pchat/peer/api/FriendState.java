package dev.p2pchat.peer.api;

/** Where this peer stands with another, as this side sees it. */
public enum FriendState {
    /** Neither a friend nor blocked. */
    NONE,
    /** This side asked; the other has not answered. */
    REQUEST_SENT,
    /** The other side asked; this side has not answered. */
    REQUEST_RECEIVED,
    FRIEND,
    /** Nothing from this peer is accepted, not even a handshake. */
    BLOCKED
}
