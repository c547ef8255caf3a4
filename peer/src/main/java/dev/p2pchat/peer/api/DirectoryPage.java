package dev.p2pchat.peer.api;

import dev.p2pchat.protocol.Octets;
import java.util.List;

/**
 * One page of the peers registered with the tracker: the answer to {@link PeerNode#who}.
 *
 * @param nextCursor where the next page starts; 0 on the last page (a page may be empty and still have a next one)
 * @param total how many peers are registered
 */
public record DirectoryPage(List<Entry> entries, int nextCursor, int total) {
    /** One registered peer: the name it holds and its identity key. */
    public record Entry(String name, Octets identityKey) {
        public String fingerprint() {
            return PeerRef.fingerprint(identityKey);
        }
    }

    public DirectoryPage {
        entries = List.copyOf(entries);
    }
}
