package dev.p2pchat.peer.api;

import java.time.Instant;

/**
 * One chat message in a conversation, either way.
 *
 * @param peer who it went to, or came from
 * @param at when this side wrote it, or received it
 * @param outgoing whether this side wrote it
 * @param id the sender's id of the message
 * @param state where it stands; see {@link State}
 * @param reason why it waits (QUEUED) or failed (FAILED); null otherwise
 */
public record HistoryEntry(PeerRef peer, Instant at, boolean outgoing, MessageId id, String text, boolean broadcast,
        State state, String reason) {
    public enum State {
        /** Outgoing, waiting: for a path to the peer, for the peer to come online, or on its way. */
        QUEUED,
        /** Outgoing: the peer's link took it; it is delivered once the peer says it stored it. */
        SENT,
        /** Outgoing: the peer stored it. */
        DELIVERED,
        /** Outgoing: cancelled here, or expired undelivered. */
        FAILED,
        /** Incoming. */
        RECEIVED
    }

    public HistoryEntry withState(State newState, String newReason) {
        return new HistoryEntry(peer, at, outgoing, id, text, broadcast, newState, newReason);
    }
}
