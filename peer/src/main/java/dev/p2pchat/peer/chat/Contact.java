package dev.p2pchat.peer.chat;

import dev.p2pchat.peer.api.HistoryEntry;
import dev.p2pchat.peer.api.PeerEvent;
import dev.p2pchat.peer.api.FriendState;
import dev.p2pchat.peer.api.PeerRef;
import dev.p2pchat.protocol.Octets;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** What this peer knows about one other peer, keyed by its identity key. Owned by the event loop. */
final class Contact {
    /** Messages kept per peer in the history; older ones fall off. */
    static final int HISTORY_LIMIT = 200;
    /** Messages held per stranger in friends-only mode; beyond that the oldest are dropped. */
    static final int HELD_LIMIT = 100;

    final Octets key;
    final String fingerprint;
    private final Contacts book;
    /** Changed only through {@link Contacts#rename}, which keeps the index of friends' names. */
    String name;
    /** Changed only through {@link Contacts#setFriend}, which keeps the index of friends' names. */
    FriendState friend = FriendState.NONE;
    /** Whether the user compared the safety number with this peer and confirmed it. */
    boolean verified;
    InetSocketAddress address;
    Instant lastSeen;
    final List<HistoryEntry> history = new ArrayList<>();
    final Deque<PeerEvent.MessageHeld> held = new ArrayDeque<>();

    Contact(Octets key, String name, Contacts book) {
        this.key = key;
        this.fingerprint = PeerRef.fingerprint(key);
        this.name = name;
        this.book = book;
    }

    PeerRef ref() {
        return new PeerRef(name, fingerprint, book.warning(this));
    }

    void remember(HistoryEntry entry) {
        if (history.size() == HISTORY_LIMIT) {
            book.held(-size(history.remove(0).text()));
        }
        history.add(entry);
        book.held(size(entry.text()));
    }

    void hold(PeerEvent.MessageHeld message) {
        if (held.size() == HELD_LIMIT) {
            book.held(-size(held.removeFirst().text()));
        }
        held.addLast(message);
        book.held(size(message.text()));
    }

    void clearHeld() {
        held.forEach(message -> book.held(-size(message.text())));
        held.clear();
    }

    /** Forgets the history and the held messages, to give their memory back. */
    void forgetMessages() {
        history.forEach(entry -> book.held(-size(entry.text())));
        history.clear();
        clearHeld();
    }

    /** Memory a text holds: two bytes a character. */
    private static long size(String text) {
        return 2L * text.length();
    }

    /** Updates the state of outgoing message {@code id} in the history, if it is still there. */
    void settle(long id, HistoryEntry.State state) {
        for (int i = history.size() - 1; i >= 0; i--) {
            HistoryEntry entry = history.get(i);
            if (entry.outgoing() && entry.id() == id) {
                history.set(i, entry.withState(state));
                return;
            }
        }
    }

    /** Whether this contact is worth keeping across restarts. */
    boolean durable() {
        return friend != FriendState.NONE || verified;
    }
}
