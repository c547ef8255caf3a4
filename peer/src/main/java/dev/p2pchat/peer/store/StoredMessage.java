package dev.p2pchat.peer.store;

import dev.p2pchat.protocol.Octets;

/**
 * A chat message as the database keeps it, either direction.
 *
 * @param seq its place in this peer's order of messages, unique here
 * @param peer the other side's identity key
 * @param peerName the name the other side went by when last saved; null when no contact row names it
 * @param id the sender's 128-bit id
 * @param at when this side wrote it, or received it (ms since 1970 UTC)
 * @param sentAt when the sender wrote it, by the sender's clock
 * @param expires when an outgoing message still queued fails (ms since 1970 UTC); 0 for an incoming one
 */
public record StoredMessage(long seq, Octets peer, String peerName, Octets id, boolean outgoing, boolean broadcast,
        long at, long sentAt, String text, State state, String reason, long expires) {
    /** Where a message stands, as stored. */
    public enum State {
        /** Outgoing, not yet acknowledged as stored by the receiver. */
        QUEUED,
        /** Outgoing, and the receiver stored it. */
        DELIVERED,
        /** Outgoing, cancelled or expired. */
        FAILED,
        /** Incoming, shown. */
        RECEIVED,
        /** Incoming from a stranger while this peer accepts friends only: kept out of sight. */
        HELD,
        /** Incoming and held, then declined: kept only so that a resend is known and not held again. */
        DECLINED
    }

    public StoredMessage withState(State newState, String newReason) {
        return new StoredMessage(seq, peer, peerName, id, outgoing, broadcast, at, sentAt, text, newState, newReason,
                expires);
    }
}
