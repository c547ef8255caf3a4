package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.MessageId;
import dev.p2pchat.peer.store.StoredMessage;
import dev.p2pchat.protocol.Octets;

/** A chat message this side wrote that its receiver has not yet said it stored. Owned by the event loop. */
final class Outgoing {
    final long seq;
    final Octets peer;
    final MessageId id;
    final long at;
    final long expires;
    final String text;
    final boolean broadcast;
    /** What travels: the id, the time written and the text ({@code ChatContent}). */
    final byte[] content;
    /** Whether it is on disk: only then may it go out. */
    boolean stored;
    /** The conversation (by its number in {@link PeerQueue}) it was last handed to; 0 when in none. */
    int offeredIn;
    /** Whether the peer's link took it in the conversation it was last handed to. */
    boolean sent;
    /** Whether the tracker's mailbox holds it for the peer (this run; a restart deposits it again). */
    boolean deposited;
    /** Whether a deposit of it is on its way to the tracker. */
    boolean depositing;
    /** Why the last deposit failed, for the queue to say; null when none did. */
    String mailProblem;

    Outgoing(long seq, Octets peer, MessageId id, long at, long expires, String text, boolean broadcast,
            byte[] content) {
        this.seq = seq;
        this.peer = peer;
        this.id = id;
        this.at = at;
        this.expires = expires;
        this.text = text;
        this.broadcast = broadcast;
        this.content = content;
    }

    StoredMessage toStored(String peerName) {
        return new StoredMessage(seq, peer, peerName, id.bytes(), true, broadcast, at, at, text,
                StoredMessage.State.QUEUED, null, expires);
    }
}
