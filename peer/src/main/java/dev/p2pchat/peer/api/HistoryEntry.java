package dev.p2pchat.peer.api;

import java.time.Instant;

/**
 * One chat message in the conversation with a peer.
 *
 * @param at when it was sent or received
 * @param outgoing whether this side sent it
 * @param id this side's message id for an outgoing message, 0 for an incoming one
 * @param text the message
 * @param broadcast whether it went to every connected peer
 * @param state for an outgoing message: SENT, DELIVERED or FAILED; for an incoming one: RECEIVED
 */
public record HistoryEntry(Instant at, boolean outgoing, long id, String text, boolean broadcast, State state) {
    public enum State { SENT, DELIVERED, FAILED, RECEIVED }

    public HistoryEntry withState(State newState) {
        return new HistoryEntry(at, outgoing, id, text, broadcast, newState);
    }
}
