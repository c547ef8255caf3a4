package dev.p2pchat.peer.api;

/**
 * How this peer's attempts to reach others went, at one moment: how many it made, how many opened a direct path,
 * how many ran through the tracker's relay, and how many found no path at all.
 */
public record PathStats(long attempts, long direct, long relayed, long failed) {}
