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
    String name;
    FriendState friend = FriendState.NONE;
    InetSocketAddress address;
    Instant lastSeen;
    final List<HistoryEntry> history = new ArrayList<>();
    final Deque<PeerEvent.MessageHeld> held = new ArrayDeque<>();

    Contact(Octets key, String name) {
        this.key = key;
        this.fingerprint = PeerRef.fingerprint(key);
        this.name = name;
    }

    PeerRef ref() {
        return new PeerRef(name, fingerprint);
    }

    void remember(HistoryEntry entry) {
        if (history.size() == HISTORY_LIMIT) {
            history.remove(0);
        }
        history.add(entry);
    }

    void hold(PeerEvent.MessageHeld message) {
        if (held.size() == HELD_LIMIT) {
            held.removeFirst();
        }
        held.addLast(message);
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
        return friend != FriendState.NONE;
    }
}
