package dev.p2pchat.peer.chat;

/**
 * How this peer's attempts to reach others went: each conversation that starts punching (HELLO to the addresses a
 * lookup, an introduction or the user gave), and each round of probes that tries to move a conversation off the
 * relay or off a path that fell silent, is an attempt; it ends direct, relayed, or failed (no answer at all).
 */
public final class PathCounters {
    /** The counts at one moment. */
    public record Snapshot(long attempts, long direct, long relayed, long failed) {}

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

    Snapshot snapshot() {
        return new Snapshot(attempts, direct, relayed, failed);
    }
}
