package dev.p2pchat.peer.api;

import dev.p2pchat.protocol.Octets;

/**
 * A remote peer as a user sees it: the name it goes by, and a short fingerprint of its identity key (names can
 * be claimed in a handshake by anyone; the fingerprint is what tells two "bob"s apart).
 *
 * @param warning why the name alone does not tell this peer (another key, a friend's, goes by it too), or null: a
 *     peer with one is always shown with its fingerprint and the warning, so that it is never taken for the friend
 */
public record PeerRef(String name, String fingerprint, String warning) {
    /** A peer whose name tells it. */
    public PeerRef(String name, String fingerprint) {
        this(name, fingerprint, null);
    }

    /** Whether another key, a friend's, goes by this peer's name. */
    public boolean lookalike() {
        return warning != null;
    }

    /** How many bytes of the identity key the fingerprint shows. */
    static final int FINGERPRINT_BYTES = 8;

    /** The first {@value #FINGERPRINT_BYTES} bytes of the key in hex, in groups of four digits. */
    public static String fingerprint(Octets identityKey) {
        String hex = identityKey.toHex();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < FINGERPRINT_BYTES * 2; i += 4) {
            if (i > 0) {
                out.append('-');
            }
            out.append(hex, i, i + 4);
        }
        return out.toString();
    }

    /**
     * The name to show where a peer speaks ({@code <alice>}): the bare name, or for a lookalike the name with its
     * fingerprint and a warning.
     */
    public String label() {
        return warning != null ? name + " [" + fingerprint + "] (" + warning + ")" : name;
    }

    @Override
    public String toString() {
        return name + " [" + fingerprint + "]" + (warning != null ? " (" + warning + ")" : "");
    }
}
