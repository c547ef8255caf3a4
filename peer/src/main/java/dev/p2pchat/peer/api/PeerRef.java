package dev.p2pchat.peer.api;

import dev.p2pchat.protocol.Octets;

/**
 * A remote peer as a user sees it: the name it goes by, and a short fingerprint of its identity key (names can
 * be claimed in a handshake by anyone; the fingerprint is what tells two "bob"s apart).
 */
public record PeerRef(String name, String fingerprint) {
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

    @Override
    public String toString() {
        return name + " [" + fingerprint + "]";
    }
}
