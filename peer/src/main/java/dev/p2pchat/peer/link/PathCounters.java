package dev.p2pchat.peer.link;

import dev.p2pchat.peer.api.PathStats;

/**
 * How this peer's attempts to reach others went. Attempts: each conversation this side starts towards known
 * addresses (handshake initiations to what a lookup, an introduction or the user gave), and each round of PINGs that tries to move a
 * conversation off the relay or off a path that fell silent. Outcomes: direct (a conversation that connected
 * directly, or moved back to a direct path), relayed (one that connected through the relay, or fell back to it), and
 * failed (one this side started that nobody answered). A probe round that finds nothing counts no outcome, and a
 * fallback counts one without an attempt, so the outcomes need not add up to the attempts.
 */
final class PathCounters {
    private long attempts;
    private long direct;
    private long relayed;
    private long failed;

    void attempted() {
        attempts++;
    }

    void direct() {
        direct++;
    }

    void relayed() {
        relayed++;
    }

    void failed() {
        failed++;
    }

    PathStats snapshot() {
        return new PathStats(attempts, direct, relayed, failed);
    }
}
