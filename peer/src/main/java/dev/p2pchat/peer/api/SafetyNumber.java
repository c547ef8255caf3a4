package dev.p2pchat.peer.api;

/**
 * The safety number of this peer and {@code peer}: the same digits on both sides when each has the other's real key.
 *
 * @param digits six groups of five digits
 */
public record SafetyNumber(PeerRef peer, String digits) {}
