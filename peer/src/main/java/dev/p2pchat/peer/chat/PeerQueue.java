package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.MessageId;
import dev.p2pchat.protocol.Octets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages waiting for one peer, in the order they were written, and how that peer is being reached. Each new
 * conversation with the peer is numbered; every message not yet delivered is handed to it once, in order, so a
 * conversation that ended (an outage, a restart of either side) loses nothing: the next one carries it all again,
 * and the receiver, knowing the ids it stored, shows each once.
 */
final class PeerQueue {
    /** The first retry waits this long, each further one twice as long as the last, up to {@link #MAX_RETRY_MILLIS}. */
    static final long FIRST_RETRY_MILLIS = 1_000;
    /** The longest wait between two attempts to reach a peer messages wait for: how soon a return is noticed. */
    static final long MAX_RETRY_MILLIS = 10_000;

    final Octets peer;
    final Map<MessageId, Outgoing> byId = new LinkedHashMap<>();
    /** Stored messages still to hand to the current conversation, in order. */
    final Deque<Outgoing> toOffer = new ArrayDeque<>();
    /** The current conversation's number; from 1, since a message handed to none has 0. */
    int conversation = 1;
    /** When to try to reach the peer next, while there is no conversation; 0: at once. */
    long nextAttemptAt;
    int attempts;
    /** Whether the tracker said the peer is not registered, at the last attempt. */
    boolean offline;

    PeerQueue(Octets peer) {
        this.peer = peer;
    }

    /** A new conversation with the peer is open: everything stored goes to it, in order. */
    void connected() {
        conversation++;
        attempts = 0;
        offline = false;
        toOffer.clear();
        for (Outgoing message : byId.values()) {
            if (message.stored) {
                message.offeredIn = 0;
                message.sent = false;
                toOffer.addLast(message);
            }
        }
    }

    /**
     * Puts {@code message} back among those to hand to the current conversation, in its place by order (the
     * conversation gave up on it while it carried on).
     */
    void reoffer(Outgoing message) {
        java.util.List<Outgoing> all = new java.util.ArrayList<>(toOffer);
        int at = 0;
        while (at < all.size() && all.get(at).seq < message.seq) {
            at++;
        }
        all.add(at, message);
        toOffer.clear();
        toOffer.addAll(all);
    }

    /** Whether {@code message} is in the hands of the current conversation. */
    boolean offered(Outgoing message) {
        return message.offeredIn == conversation;
    }

    /** Schedules the next attempt after one that was made now. */
    void attempted(long now) {
        attempts++;
        nextAttemptAt = now + Math.min(FIRST_RETRY_MILLIS << Math.min(attempts - 1, 10), MAX_RETRY_MILLIS);
    }

    void retrySoon() {
        attempts = 0;
        nextAttemptAt = 0;
    }
}
