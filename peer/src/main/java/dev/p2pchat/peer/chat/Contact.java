package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.PeerRef;
import dev.p2pchat.protocol.Octets;
import java.net.InetSocketAddress;
import java.time.Instant;

/** What this peer knows about one other peer, keyed by its identity key. Owned by the event loop. */
final class Contact {
    final Octets key;
    final String fingerprint;
    private final Contacts book;
    /** Changed only through {@link Contacts#rename}, which keeps the index of friends' names. */
    String name;
    /** Changed only through {@link Contacts#setFriend}, which keeps the index of friends' names. */
    FriendState friend = FriendState.NONE;
    /** Whether the user compared the safety number with this peer and confirmed it. */
    boolean verified;
    /** Whether messages with this peer are stored, so its name must be too. */
    boolean hasMessages;
    InetSocketAddress address;
    /** Its X25519 key, which mail for it is sealed to; null until a handshake or the tracker told it. */
    Octets agreementKey;
    Instant lastSeen;

    Contact(Octets key, String name, Contacts book) {
        this.key = key;
        this.fingerprint = PeerRef.fingerprint(key);
        this.name = name;
        this.book = book;
    }

    PeerRef ref() {
        return new PeerRef(name, fingerprint, book.warning(this));
    }

    /** Whether this contact's standing is worth keeping across restarts. */
    boolean durable() {
        return friend != FriendState.NONE || verified;
    }

    /** Whether the database keeps this contact: its standing, or the name its stored messages are shown under. */
    boolean saved() {
        return durable() || hasMessages;
    }
}
